package dev.apkofarm.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.Fetcher;
import dev.apkofarm.core.apk.Locker;
import dev.apkofarm.core.apk.PackageStore;
import dev.apkofarm.core.apk.Repositories;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * apko's golden test, through the real pipeline: the fixture repository's signed index and packages are resolved,
 * fetched, verified, installed and written; layers must have apko's diff_ids, configs must be apko's bytes, and the
 * SBOMs must equal apko's once digests of compressed blobs and the tool's name are mapped.
 */
class ApkoGoldenConformanceTest {
  @TempDir Path tmp;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void buildsApkosGoldenImage() throws Exception {
    Path cli = Fixtures.apkoCli();
    LoadedConfig loaded = new ConfigLoader(cli).load("testdata/apko.yaml");
    Repositories repos = new Repositories(new Fetcher(Fetcher.Options.defaults(cli, Optional.of(tmp.resolve("cache")))));
    PackageStore store =
        new PackageStore(repos.fetcher(), new DiskBlobCache(tmp.resolve("cache/packages")), List.of());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("org.opencontainers.image.vendor", "Vendor");
    annotations.put("org.opencontainers.image.title", "Title");
    LockedImage image =
        new ImageLocker(new Locker(repos, store, 4), repos)
            .lock(loaded, ImageLocker.Request.of(List.of(Arch.AMD64, Arch.ARM64), annotations));

    DirectoryBlobStore blobs = new DirectoryBlobStore(tmp.resolve("out/blobs"));
    BuildOptions options = BuildOptions.defaults("golden:latest");
    List<BuiltArch> archs = new ArrayList<>();
    try (StorePackageSource packages = new StorePackageSource(store, tmp.resolve("scratch"))) {
      for (Arch a : image.archList()) {
        archs.add(new ArchBuilder(pool, w -> {}).build(image, a, packages, options, blobs));
      }
    }
    BuiltImage built = IndexAssembler.assemble(image, archs, options, blobs);

    BuiltArch amd64 = built.archs().get(0);
    BuiltArch arm64 = built.archs().get(1);
    assertThat(amd64.layers().get(0).diffId())
        .hasToString("sha256:20f698463c2755b6dc42b7d07e959ed7455a06e7367d507e829a315898f21a01");
    assertThat(arm64.layers().get(0).diffId())
        .hasToString("sha256:ca5e16c7c944d764863cb1a4286e668e72d6d87ef9ddd82337b19d87715bae7e");
    assertThat(amd64.config().digest())
        .hasToString("sha256:6c815259150f37d000417f9a93f41bddf74dff905c745986069d4b03e954ac1d");
    assertThat(arm64.config().digest())
        .hasToString("sha256:fbb854f9d5a601a36c4dc8cc82e5b21e91b11cdd4aab5035340e4f517c5a8eb1");
    assertThat(amd64.packages()).containsExactly("pretend-baselayout=1.0.0-r0", "replayout=1.0.0-r0");

    Map<String, String> ours = new LinkedHashMap<>();
    ours.put(amd64.layers().get(0).blob().digest().toString(),
        "sha256:c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738");
    ours.put(arm64.layers().get(0).blob().digest().toString(),
        "sha256:7e0f9d62f6cab4785e18a55f17d03f20ffb776881f1f46258efd9458f7cdaf08");
    ours.put(amd64.manifest().digest().toString(),
        "sha256:69f0237c7f8cf0b8a329d1bf1d6870c870c4ec323e39d3a6da59596632d0f2f4");
    ours.put(arm64.manifest().digest().toString(),
        "sha256:124c885f834cfaf1329987457a9651a68c4fb9733d4462ae6288b98011277858");
    ours.put(built.index().digest().toString(),
        "sha256:b5f05e6fc882c97d61c1daee566954ae6fc09924f8e152293e2b97a06092069f");
    assertSbom(blobs, amd64.sbom().orElseThrow().digest(), "sbom-x86_64.spdx.json", ours);
    assertSbom(blobs, arm64.sbom().orElseThrow().digest(), "sbom-aarch64.spdx.json", ours);
    assertSbom(blobs, built.sbom().orElseThrow().digest(), "sbom-index.spdx.json", ours);
  }

  /** Our SBOM with our compressed-blob digests and tool naming replaced by apko's must equal apko's. */
  static void assertSbom(DirectoryBlobStore blobs, Digest ours, String golden, Map<String, String> digestMap)
      throws Exception {
    String s = Files.readString(blobs.path(ours));
    for (Map.Entry<String, String> e : digestMap.entrySet()) {
      s = s.replace(e.getKey(), e.getValue());
      s = s.replace(e.getKey().replace(':', '-'), e.getValue().replace(':', '-'));
      s = s.replace(e.getKey().substring(7), e.getValue().substring(7));
    }
    s = s.replaceAll(
            "\"Tool: apko-farm \\([^)]*\\)\",(\\s*)\"Organization: apko-farm\"",
            "\"Tool: apko (devel)\",$1\"Organization: Chainguard, Inc\"")
        .replace("https://spdx.org/spdxdocs/apko-farm/", "https://spdx.org/spdxdocs/apko/")
        .replace("\"Organization: apko-farm\"", "\"Organization: Chainguard, Inc.\"")
        .replace("Generated at image build time by apko-farm", "Generated at image build time by apko");
    assertThat(s).isEqualTo(Files.readString(Fixtures.apkoCli().resolve("testdata/golden/sboms").resolve(golden)));
  }
}
