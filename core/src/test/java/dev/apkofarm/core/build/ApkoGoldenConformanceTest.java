package dev.apkofarm.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.testing.ApkoGolden;
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
    LoadedConfig loaded = new ConfigLoader(cli).load(ApkoGolden.CONFIG);
    Repositories repos = new Repositories(new Fetcher(Fetcher.Options.defaults(cli, Optional.of(tmp.resolve("cache")))));
    PackageStore store =
        new PackageStore(repos.fetcher(), new DiskBlobCache(tmp.resolve("cache/packages")), List.of());
    LockedImage image =
        new ImageLocker(new Locker(repos, store, 4), repos)
            .lock(loaded, ImageLocker.Request.of(List.of(Arch.AMD64, Arch.ARM64), ApkoGolden.annotations()));

    DirectoryBlobStore blobs = new DirectoryBlobStore(tmp.resolve("out/blobs"));
    BuildOptions options = BuildOptions.defaults(ApkoGolden.REFERENCE);
    List<BuiltArch> archs = new ArrayList<>();
    try (StorePackageSource packages = new StorePackageSource(store, tmp.resolve("scratch"))) {
      for (Arch a : image.archList()) {
        archs.add(new ArchBuilder(pool, w -> {}).build(image, a, packages, options, blobs));
      }
    }
    BuiltImage built = IndexAssembler.assemble(image, archs, options, blobs);

    BuiltArch amd64 = built.archs().get(0);
    BuiltArch arm64 = built.archs().get(1);
    assertThat(amd64.layers().get(0).diffId()).hasToString(ApkoGolden.AMD64_DIFF_ID);
    assertThat(arm64.layers().get(0).diffId()).hasToString(ApkoGolden.ARM64_DIFF_ID);
    assertThat(amd64.config().digest()).hasToString(ApkoGolden.AMD64_CONFIG);
    assertThat(arm64.config().digest()).hasToString(ApkoGolden.ARM64_CONFIG);
    assertThat(amd64.packages()).containsExactly("pretend-baselayout=1.0.0-r0", "replayout=1.0.0-r0");

    Map<String, String> ours = new LinkedHashMap<>();
    ours.put(amd64.layers().get(0).blob().digest().toString(), ApkoGolden.AMD64_LAYER);
    ours.put(arm64.layers().get(0).blob().digest().toString(), ApkoGolden.ARM64_LAYER);
    ours.put(amd64.manifest().digest().toString(), ApkoGolden.AMD64_MANIFEST);
    ours.put(arm64.manifest().digest().toString(), ApkoGolden.ARM64_MANIFEST);
    ours.put(built.index().digest().toString(), ApkoGolden.INDEX);
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
