package dev.apkofarm.core.apk.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.Dependency;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.Version;
import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.index.IndexReader;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Resolution against the real Alpine 3.16 x86_64 index (signature verified with the included key). */
class AlpineResolveTest {
  private static ApkIndex alpine;
  private static Resolver resolver;

  @BeforeAll
  static void load() throws Exception {
    byte[] archive = Files.readAllBytes(Fixtures.apko("apk/alpine-316/APKINDEX.tar.gz"));
    Keyring keys =
        Keyring.load(List.of(Fixtures.apko("apk/alpine-316/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub")));
    alpine = IndexReader.read(archive, "alpine-316", keys, true);
    resolver =
        new Resolver(
            "x86_64",
            List.of(new RepositoryIndex(new Repository(Optional.empty(), "https://dl-cdn.alpinelinux.org/alpine/v3.16/main"), "x86_64", alpine)));
  }

  @Test
  void pinsTheAlpineBaseClosureInInstallOrder() throws Exception {
    Resolution r = resolver.resolve(List.of("alpine-base"));
    assertThat(r.packages())
        .extracting(p -> p.info().nameVersion())
        .containsExactly(
            "musl-1.2.3-r2",
            "busybox-1.35.0-r17",
            "alpine-baselayout-data-3.2.0-r23",
            "alpine-baselayout-3.2.0-r23",
            "busybox-ifupdown-1.35.0-r17",
            "openrc-0.44.10-r7",
            "alpine-conf-3.14.6-r1",
            "alpine-keys-2.4-r1",
            "ca-certificates-bundle-20220614-r0",
            "libcrypto1.1-1.1.1s-r0",
            "libssl1.1-1.1.1s-r0",
            "zlib-1.2.12-r3",
            "apk-tools-2.12.9-r3",
            "mdev-conf-4.2-r0",
            "busybox-initscripts-4.2-r0",
            "busybox-suid-1.35.0-r17",
            "scanelf-1.3.4-r0",
            "musl-utils-1.2.3-r2",
            "libc-utils-0.7.2-r3",
            "ssl_client-1.35.0-r17",
            "alpine-base-3.16.3-r0");
    assertThat(r.packages().get(0).url())
        .isEqualTo("https://dl-cdn.alpinelinux.org/alpine/v3.16/main/x86_64/musl-1.2.3-r2.apk");
  }

  @Test
  void resolvesPython3NginxAndBuildBaseToConsistentClosures() throws Exception {
    for (String world : List.of("alpine-base", "python3", "nginx", "build-base")) {
      Resolution r = resolver.resolve(List.of(world));
      assertThat(r.packages()).as(world).hasSizeGreaterThan(3);
      assertThat(r.packages().get(r.packages().size() - 1).name()).isEqualTo(world);
      assertClosure(world, r.packages());
    }
  }

  @Test
  void resolvesSeveralWorldEntriesTogether() throws Exception {
    Resolution r = resolver.resolve(List.of("nginx", "python3", "build-base", "alpine-base"));
    assertClosure("all four", r.packages());
    assertThat(r.world()).containsExactly("alpine-base", "build-base", "nginx", "python3");
  }

  @Test
  void installIfCompanionsArriveWhicheverWorldEntryPulledInTheirConditions() throws Exception {
    // Before (go-apk's order): nginx-openrc and curl-doc missing, each entry's closure holding one condition only.
    Resolution service = resolver.resolve(List.of("nginx", "openrc"));
    assertClosure("nginx openrc", service.packages());
    assertThat(service.packages()).extracting(ResolvedPackage::name).contains("nginx-openrc", "openrc", "nginx");
    Resolution docs = resolver.resolve(List.of("curl", "docs"));
    assertClosure("curl docs", docs.packages());
    assertThat(docs.packages()).extracting(ResolvedPackage::name).contains("curl-doc");
    // Without docs, no documentation: the condition is the whole world's, not any one package's.
    assertThat(resolver.resolve(List.of("curl")).packages())
        .extracting(ResolvedPackage::name)
        .doesNotContain("curl-doc");
  }

  /** Every dependency satisfied inside the set, no conflict inside it, no name twice, highest versions. */
  private static void assertClosure(String world, List<ResolvedPackage> packages) {
    Set<String> names = new HashSet<>();
    for (ResolvedPackage p : packages) {
      assertThat(names.add(p.name())).as(world + ": " + p.name() + " appears twice").isTrue();
    }
    for (ResolvedPackage p : packages) {
      for (String text : p.info().depends()) {
        Dependency d = Dependency.parse(text);
        if (d.conflict()) {
          assertThat(packages.stream().noneMatch(q -> provides(q, d)))
              .as(world + ": " + p + " conflicts with " + d)
              .isTrue();
          continue;
        }
        assertThat(packages.stream().anyMatch(q -> provides(q, d)))
            .as(world + ": dependency " + d + " of " + p + " is not satisfied")
            .isTrue();
      }
    }
    for (ResolvedPackage p : packages) {
      Version chosen = Version.parse(p.version());
      for (PackageInfo other : alpine.packages()) {
        if (other.name().equals(p.name()) && Version.isValid(other.version())) {
          boolean higher = Version.parse(other.version()).compareTo(chosen) > 0;
          boolean satisfiable =
              packages.stream()
                  .flatMap(q -> q.info().depends().stream())
                  .map(Dependency::parse)
                  .filter(d -> d.name().equals(p.name()))
                  .allMatch(d -> d.matches(Version.parse(other.version())));
          assertThat(higher && satisfiable).as(world + ": " + other.nameVersion() + " would be better").isFalse();
        }
      }
    }
  }

  private static boolean provides(ResolvedPackage q, Dependency d) {
    if (q.name().equals(d.name())) {
      return d.matches(Version.parse(q.version()));
    }
    for (String text : q.info().provides()) {
      Dependency prov = Dependency.parse(text);
      if (prov.name().equals(d.name())) {
        if (d.version().isEmpty()) {
          return true;
        }
        return prov.version().flatMap(Version::tryParse).map(d::matches).orElse(false);
      }
    }
    return false;
  }
}
