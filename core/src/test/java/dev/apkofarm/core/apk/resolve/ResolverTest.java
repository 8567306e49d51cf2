package dev.apkofarm.core.apk.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResolverTest {
  /** {@code pkg("name", "1.0-r0", "D:a b", "p:x=1", "k:10", "i:a b", "o:origin")}. */
  private static PackageInfo pkg(String name, String version, String... fields) {
    PackageInfo.Builder b =
        PackageInfo.builder(name, version).arch("x86_64").checksum("Q1" + "A".repeat(26) + "A=");
    for (String f : fields) {
      List<String> values = Arrays.asList(f.substring(2).split(" "));
      switch (f.charAt(0)) {
        case 'D' -> b.depends(values);
        case 'p' -> b.provides(values);
        case 'i' -> b.installIf(values);
        case 'k' -> b.providerPriority(Long.parseLong(f.substring(2)));
        case 'o' -> b.origin(f.substring(2));
        default -> throw new IllegalArgumentException(f);
      }
    }
    return b.build();
  }

  private static RepositoryIndex repo(String url, PackageInfo... packages) {
    return new RepositoryIndex(Repository.parse(url), "x86_64", new ApkIndex("", List.of(packages)));
  }

  private static Resolver resolver(RepositoryIndex... repos) {
    return new Resolver("x86_64", List.of(repos));
  }

  private static List<String> resolve(Resolver r, String... world) throws ResolutionException {
    List<String> out = new ArrayList<>();
    r.resolve(List.of(world)).packages().forEach(p -> out.add(p.info().nameVersion()));
    return out;
  }

  @Test
  void picksTheHighestVersionAndPutsDependenciesFirst() throws Exception {
    Resolver r =
        resolver(
            repo("/r", pkg("app", "1.0-r0", "D:lib"), pkg("app", "1.10-r0", "D:lib"), pkg("lib", "2_rc1-r0"),
                pkg("lib", "2-r0"), pkg("lib", "1.9-r3")));
    assertThat(resolve(r, "app")).containsExactly("lib-2-r0", "app-1.10-r0");
  }

  @Test
  void honoursVersionConstraintsInWorldAndDependencies() throws Exception {
    Resolver r =
        resolver(
            repo("/r", pkg("app", "1.0-r0", "D:lib<2"), pkg("lib", "1.5-r0"), pkg("lib", "2.0-r0"),
                pkg("tool", "3.1-r0"), pkg("tool", "3.2-r0"), pkg("tool", "4.0-r0")));
    assertThat(resolve(r, "app")).containsExactly("lib-1.5-r0", "app-1.0-r0");
    assertThat(resolve(r, "tool~3")).containsExactly("tool-3.2-r0");
    assertThat(resolve(r, "tool=3.1-r0")).containsExactly("tool-3.1-r0");
    assertThat(resolve(r, "tool>=3.2", "tool<4")).containsExactly("tool-3.2-r0");
  }

  @Test
  void resolvesVirtualsThroughProvidesPreferringPriorityAndVersion() throws Exception {
    Resolver r =
        resolver(
            repo("/r", pkg("app", "1-r0", "D:/bin/sh so:libz.so.1 cmd:tool"), pkg("dash", "0.5-r0", "p:/bin/sh"),
                pkg("busybox", "1.36-r0", "p:/bin/sh", "k:100"), pkg("zlib", "1.2-r0", "p:so:libz.so.1=1"),
                pkg("zlib", "1.3-r0", "p:so:libz.so.1=1"), pkg("tools", "2-r0", "p:cmd:tool=2-r0")));
    // Dependencies with fewer candidates are resolved first (ties by name), as go-apk does.
    assertThat(resolve(r, "app")).containsExactly("tools-2-r0", "busybox-1.36-r0", "zlib-1.3-r0", "app-1-r0");
  }

  @Test
  void usesTaggedRepositoriesOnlyWhenAskedAndTheirDependenciesToo() throws Exception {
    Resolver r =
        resolver(
            repo("/main", pkg("app", "1-r0", "D:lib"), pkg("lib", "1-r0")),
            repo("@edge /edge", pkg("app", "2-r0", "D:lib>=2"), pkg("lib", "2-r0")));
    assertThat(resolve(r, "app")).containsExactly("lib-1-r0", "app-1-r0");
    assertThat(resolve(r, "app@edge")).containsExactly("lib-2-r0", "app-2-r0");
    Resolution pinned = r.resolve(List.of("app@edge"));
    assertThat(pinned.packages().get(1).url()).isEqualTo("/edge/x86_64/app-2-r0.apk");
  }

  @Test
  void worldConflictsExcludeProvidersAndExplainThemselves() throws Exception {
    Resolver r = resolver(repo("/r", pkg("app", "1-r0", "D:/bin/sh"), pkg("busybox", "1-r0", "p:/bin/sh"), pkg("dash", "1-r0", "p:/bin/sh")));
    assertThat(resolve(r, "app", "!busybox")).containsExactly("dash-1-r0", "app-1-r0");
    assertThatThrownBy(() -> resolve(r, "busybox", "!busybox"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("busybox-1-r0")
        .hasMessageEndingWith("unable to select packages:\n  busybox-1-r0:\n    satisfies: world[busybox]\n"
            + "    breaks: world[!busybox]");
  }

  @Test
  void refusesAResultContainingAPackageAnotherConflictsWith() {
    Resolver direct = resolver(repo("/r", pkg("a", "1-r0", "D:!b"), pkg("b", "1-r0")));
    assertThatThrownBy(() -> resolve(direct, "b", "a"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageEndingWith("unable to select packages:\n  b-1-r0:\n    satisfies: world[b]\n    breaks: a-1-r0[!b]");
    // b is chosen before y's conflict with it is seen: the result is refused, not silently kept.
    Resolver late = resolver(repo("/r", pkg("z", "1-r0", "D:b y"), pkg("y", "1-r0", "D:!b"), pkg("b", "1-r0")));
    assertThatThrownBy(() -> resolve(late, "z"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("unable to select packages:\n  b-1-r0:\n    satisfies: z-1-r0[b]\n    breaks: y-1-r0[!b]");
  }

  @Test
  void installsInstallIfPackagesWhenAllConditionsAreMet() throws Exception {
    Resolver r =
        resolver(
            repo("/r", pkg("app", "1-r0", "D:lib docs"), pkg("lib", "1-r0"), pkg("docs", "1-r0"),
                pkg("lib-doc", "1-r0", "i:lib=1-r0 docs"), pkg("lib-doc", "0.9-r0", "i:lib docs"),
                pkg("other-doc", "1-r0", "i:other docs")));
    assertThat(resolve(r, "app")).containsExactly("docs-1-r0", "lib-1-r0", "lib-doc-1-r0", "app-1-r0");
  }

  @Test
  void keepsVersionsConsistentAcrossArchs() throws Exception {
    Resolver x86 = resolver(repo("/r", pkg("app", "1-r0"), pkg("app", "2-r0")));
    Resolver arm =
        new Resolver("aarch64", List.of(new RepositoryIndex(Repository.parse("/r"), "aarch64", new ApkIndex("", List.of(pkg("app", "1-r0"))))));
    assertThat(x86.resolve(List.of("app"), List.of(x86, arm)).packages().get(0).version()).isEqualTo("1-r0");
    assertThat(x86.resolve(List.of("app")).packages().get(0).version()).isEqualTo("2-r0");
    assertThatThrownBy(() -> x86.resolve(List.of("app=2-r0"), List.of(arm)))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("not available for arch \"aarch64\"");
  }

  @Test
  void explainsMissingAndUnsatisfiableDependencies() {
    Resolver r = resolver(repo("/r", pkg("app", "1-r0", "D:lib>=3"), pkg("lib", "2-r0"), pkg("solo", "1-r0", "D:ghost")));
    assertThatThrownBy(() -> resolve(r, "app"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("for x86_64")
        .hasMessageContaining("\"lib>=3\"")
        .hasMessageContaining("app → app-1-r0 → lib>=3")
        .hasMessageContaining("lib-2-r0 from /r: disqualified: \"2-r0\" does not satisfy \"lib>=3\"");
    assertThatThrownBy(() -> resolve(r, "solo"))
        .hasMessageContaining("nothing provides \"ghost\"")
        .hasMessageContaining("solo-1-r0");
    assertThatThrownBy(() -> resolve(r, "nope")).hasMessageContaining("nothing provides \"nope\"");
  }

  @Test
  void resultDoesNotDependOnWorldOrderOrDuplicates() throws Exception {
    Resolver r = resolver(repo("/r", pkg("a", "1-r0", "D:c"), pkg("b", "1-r0", "D:c"), pkg("c", "1-r0")));
    assertThat(resolve(r, "b", "a", "b")).isEqualTo(resolve(r, "a", "b")).containsExactly("c-1-r0", "a-1-r0", "b-1-r0");
  }

  @Test
  void survivesDependencyCycles() throws Exception {
    Resolver r = resolver(repo("/r", pkg("a", "1-r0", "D:b"), pkg("b", "1-r0", "D:a")));
    assertThat(resolve(r, "a")).containsExactly("b-1-r0", "a-1-r0");
    assertThat(Optional.of(r.resolve(List.of("b")).packages().size())).contains(2);
  }
}
