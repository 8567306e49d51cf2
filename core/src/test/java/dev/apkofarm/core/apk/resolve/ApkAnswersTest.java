package dev.apkofarm.core.apk.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.index.IndexReader;
import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cases where go-apk's greedy answer is wrong and apk-tools' is the one to give (issue 17), each on a small index
 * this test writes and signs, then reads back verified, as a repository would be read.
 */
class ApkAnswersTest {
  private static final SigningKey KEY = SigningKey.generate("answers.rsa.pub", 2048);

  @TempDir Path dir;

  /** {@code pkg("name", "1.0-r0", "D:a b", "p:x=1", "i:a b", "A:aarch64", "k:10")}; arch x86_64 unless given. */
  private static PackageInfo pkg(String name, String version, String... fields) {
    PackageInfo.Builder b =
        PackageInfo.builder(name, version).arch("x86_64").checksum("Q1" + "A".repeat(26) + "A=");
    for (String f : fields) {
      List<String> values = Arrays.asList(f.substring(2).split(" "));
      switch (f.charAt(0)) {
        case 'D' -> b.depends(values);
        case 'p' -> b.provides(values);
        case 'i' -> b.installIf(values);
        case 'A' -> b.arch(f.substring(2));
        case 'k' -> b.providerPriority(Long.parseLong(f.substring(2)));
        default -> throw new IllegalArgumentException(f);
      }
    }
    return b.build();
  }

  /** Writes the packages as a signed APKINDEX.tar.gz and resolves over what reading it back (verified) gives. */
  private Resolver signed(PackageInfo... packages) throws Exception {
    Path file = Files.createTempFile(dir, "APKINDEX", ".tar.gz");
    IndexWriter.write(file, List.of(packages), Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, "answers");
    ApkIndex index =
        IndexReader.read(Files.readAllBytes(file), file.toString(), Keyring.of(List.of(KEY.publicKey())), true);
    return new Resolver("x86_64", List.of(new RepositoryIndex(Repository.parse("/r"), "x86_64", index)));
  }

  private static List<String> resolve(Resolver r, String... world) throws ResolutionException {
    List<String> out = new ArrayList<>();
    r.resolve(List.of(world)).packages().forEach(p -> out.add(p.info().nameVersion()));
    return out;
  }

  @Test
  void aPackageOfAnotherArchIsNeverACandidate() throws Exception {
    Resolver r =
        signed(pkg("tool", "1-r0"), pkg("tool", "2-r0", "A:aarch64"), pkg("data", "1-r0", "A:noarch"),
            pkg("armonly", "1-r0", "A:aarch64"));
    // Before: tool-2-r0, an aarch64 binary, for an x86_64 image.
    assertThat(resolve(r, "tool", "data")).containsExactly("data-1-r0", "tool-1-r0");
    assertThatThrownBy(() -> resolve(r, "armonly"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("armonly-1-r0 from /r: disqualified: its arch is aarch64, not x86_64");
  }

  @Test
  void aNameProvidedOnlyWithoutAVersionResolves() throws Exception {
    Resolver r =
        signed(pkg("openjdk17-jre-headless", "17.0.5-r0", "p:java-jre-headless"),
            pkg("app", "1-r0", "D:java-jre-headless"));
    assertThat(resolve(r, "java-jre-headless")).containsExactly("openjdk17-jre-headless-17.0.5-r0");
    assertThat(resolve(r, "app")).containsExactly("openjdk17-jre-headless-17.0.5-r0", "app-1-r0");
  }

  @Test
  void installIfTriggersAcrossTheWholeWorldToAFixedPoint() throws Exception {
    Resolver r =
        signed(pkg("nginx", "1.22.1-r0"), pkg("openrc", "0.44-r0"), pkg("docs", "1-r0"),
            pkg("nginx-openrc", "1.22.1-r0", "i:openrc nginx=1.22.1-r0", "D:openrc"),
            pkg("nginx-openrc-doc", "1.22.1-r0", "i:nginx-openrc docs"),
            pkg("nginx-doc", "1.0-r0", "i:nginx=1.0-r0 docs"));
    // Before: nginx and openrc alone; neither entry's own closure holds both conditions.
    assertThat(resolve(r, "nginx", "openrc"))
        .containsExactly("nginx-1.22.1-r0", "openrc-0.44-r0", "nginx-openrc-1.22.1-r0");
    // nginx-openrc, pulled in by install_if, meets nginx-openrc-doc's conditions in turn; nginx-doc's version
    // condition is not met.
    assertThat(resolve(r, "docs", "nginx", "openrc"))
        .containsExactly(
            "docs-1-r0", "nginx-1.22.1-r0", "openrc-0.44-r0", "nginx-openrc-1.22.1-r0", "nginx-openrc-doc-1.22.1-r0");
  }

  @Test
  void requestedPackagesProvidingOneNameAtTwoVersionsAreRefusedTheWayApkExplainsIt() throws Exception {
    Resolver r = signed(pkg("a", "1-r0", "p:x=1"), pkg("b", "1-r0", "p:x=2"), pkg("c", "1-r0", "D:b"));
    // Before: a and b both installed, two x.
    assertThatThrownBy(() -> resolve(r, "a", "c"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unable to select packages")
        .hasMessageContaining("b-1-r0:\n    satisfies: c-1-r0[b]\n    conflicts: a-1-r0[x]");
    assertThatThrownBy(() -> resolve(r, "a", "b"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(
            "unable to select packages:\n  b-1-r0:\n    satisfies: world[b]\n    conflicts: a-1-r0[x]");
  }

  @Test
  void aConflictWithAProvidedNameOrWithItselfIsRefused() throws Exception {
    Resolver r =
        signed(pkg("a", "1-r0", "D:!vx"), pkg("b", "1-r0", "p:vx"), pkg("self", "1-r0", "p:cmd:self", "D:!cmd:self"),
            pkg("twice", "1-r0", "p:foo=1 foo=2"));
    // Refused before too (a's !vx disqualifies b); kept.
    assertThatThrownBy(() -> resolve(r, "a", "b")).isInstanceOf(ResolutionException.class).hasMessageContaining("!vx");
    // Before: self-1-r0 installed.
    assertThatThrownBy(() -> resolve(r, "self"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("self-1-r0:\n    satisfies: world[self]\n    breaks: self-1-r0[!cmd:self]");
    // Before: installed. apk's own example of a self-conflict, a package providing one name twice.
    assertThatThrownBy(() -> resolve(r, "twice"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("twice-1-r0:\n    satisfies: world[twice]\n    conflicts: twice-1-r0[foo]");
  }

  @Test
  void aVersionConstraintFoundLaterBacktracksToAnOlderVersion() throws Exception {
    Resolver r =
        signed(pkg("a", "1-r0", "D:d>1.0"), pkg("b", "1-r0", "D:d<2.0"), pkg("d", "1.5-r0"), pkg("d", "2.0-r0"),
            pkg("polkit", "0.105-r0"), pkg("polkit-elogind", "0.120-r0", "p:polkit=10000"));
    // Before: d-2.0 taken for a, then b's d<2.0 failed.
    assertThat(resolve(r, "a", "b")).containsExactly("d-1.5-r0", "a-1-r0", "b-1-r0");
    assertThat(resolve(r, "polkit>9999")).containsExactly("polkit-elogind-0.120-r0");
    assertThatThrownBy(() -> resolve(r, "a", "b", "d>=2"))
        .isInstanceOf(ResolutionException.class)
        // Before: "no package satisfies "d<2.0" ...; candidates:" with each d and its disqualification.
        .hasMessageContaining("unable to select packages:\n  d-1.5-r0:\n    satisfies: b-1-r0[d<2.0]\n"
            + "    breaks: world[d>=2] (via b → b-1-r0 → d<2.0)");
  }
  @Test
  void aRequestedPackageThatProvidesAnotherRequestedNameIsInstalledAloneForBoth() throws Exception {
    Resolver r =
        signed(pkg("abc", "3-r0", "p:vx"), pkg("zed", "1-r0", "p:vx"), pkg("zed", "2-r0", "p:vx"),
            pkg("high", "1-r0", "p:vy=1", "k:20"), pkg("low", "1-r0", "p:vy=1", "k:10"));
    // Before: abc-3-r0 and zed-2-r0, a second provider of vx beside the one the world names.
    assertThat(resolve(r, "vx", "zed")).containsExactly("zed-2-r0");
    // A versioned provide: the package the world names, whatever the provider_priority (the same before: low has
    // one candidate, so go-apk chose it first).
    assertThat(resolve(r, "low", "vy")).containsExactly("low-1-r0");
    // Alone, vx is still apko's choice (abc, the newest build).
    assertThat(resolve(r, "vx")).containsExactly("abc-3-r0");
  }

  @Test
  void amongProviderPriorityTiesTheProviderTheWorldNamesIsPreferred() throws Exception {
    Resolver r =
        signed(pkg("abc", "1-r0", "p:vx", "k:10"), pkg("zed", "1-r0", "p:vx", "k:10"),
            pkg("app", "1-r0", "D:vx"));
    // Before: abc-1-r0 beside zed-1-r0.
    assertThat(resolve(r, "vx", "zed")).containsExactly("zed-1-r0");
    // Through a dependency too.
    assertThat(resolve(r, "app", "zed")).containsExactly("zed-1-r0", "app-1-r0");
    // With nothing named, the tie goes to apko's choice.
    assertThat(resolve(r, "app")).containsExactly("abc-1-r0", "app-1-r0");
  }
}
