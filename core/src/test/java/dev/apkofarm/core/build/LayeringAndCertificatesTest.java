package dev.apkofarm.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.lock.Locker;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.repo.Repositories;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.ImageContents;
import dev.apkofarm.core.config.Layering;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.testing.Fixtures;
import dev.apkofarm.core.testing.TarTrees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apko's layering and certificate-provider fixtures, built from the fixture repository. */
class LayeringAndCertificatesTest {
  @TempDir Path tmp;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private Repositories repos;
  private PackageStore store;
  private Path cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = Fixtures.apkoCli();
    repos = new Repositories(new Fetcher(Fetcher.Options.defaults(cli, Optional.of(tmp.resolve("cache")))));
    store = new PackageStore(repos.fetcher(), new DiskBlobCache(tmp.resolve("cache/packages")), List.of());
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private BuiltArch build(LoadedConfig loaded, Arch arch, String blobs) throws Exception {
    LockedImage image =
        new ImageLocker(new Locker(repos, store, 4), repos).lock(loaded, ImageLocker.Request.of(List.of(arch), Map.of()));
    try (StorePackageSource packages = new StorePackageSource(store, tmp.resolve("scratch-" + blobs))) {
      return new ArchBuilder(pool, w -> {})
          .build(image, arch, packages, BuildOptions.defaults("t:1"), new DirectoryBlobStore(tmp.resolve(blobs)));
    }
  }

  private ImageTree layer(String blobs, Layer l) throws Exception {
    return TarTrees.read(new DirectoryBlobStore(tmp.resolve(blobs)).path(l.blob().digest()));
  }

  /** layering.yaml of apko's fixtures, without its build repository ./packages, which the fixtures lack. */
  private LoadedConfig layered() throws Exception {
    LoadedConfig plain = new ConfigLoader(cli).load("testdata/apko.yaml");
    ImageContents c = plain.config().contents();
    String yaml =
        "contents:\n  keyring: [./testdata/melange.rsa.pub]\n  runtime_repositories: [apk.cgr.dev/runtime-only-repo]\n"
            + "  repositories: [./testdata/packages]\n  packages: [replayout]\n"
            + "entrypoint:\n  command: /bin/sh -l\nlayering:\n  strategy: origin\n  budget: 2\n";
    assertThat(c.repositories()).containsExactly("./testdata/packages");
    return new ConfigLoader(cli).parse("layering.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void originLayeringSplitsPackagesFromTheRest() throws Exception {
    LoadedConfig loaded = layered();
    assertThat(loaded.config().layering()).contains(new Layering(Optional.of("origin"), 2));

    BuiltArch a = build(loaded, Arch.AMD64, "a");
    BuiltArch b = build(loaded, Arch.AMD64, "b");

    assertThat(a.layers()).hasSize(2).isEqualTo(b.layers());
    ImageTree packages = layer("a", a.layers().get(0));
    ImageTree top = layer("a", a.layers().get(1));
    // replayout replaces pretend-baselayout: one group, one layer, holding both packages' files
    assertThat(packages.lstat("etc/os-release")).containsInstanceOf(RegularFile.class);
    assertThat(packages.lstat("var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json")).isPresent();
    assertThat(new String(packages.readFile("usr/lib/apk/db/installed"), StandardCharsets.UTF_8))
        .contains("P:pretend-baselayout").contains("P:replayout");
    assertThat(packages.lstat("etc/apko.json")).isEmpty();
    assertThat(top.lstat("etc/apko.json")).isPresent();
    assertThat(top.lstat("etc/os-release")).isEmpty();
    String repositories = new String(top.readFile("etc/apk/repositories"), StandardCharsets.UTF_8);
    assertThat(repositories).isEqualTo("./testdata/packages\napk.cgr.dev/runtime-only-repo\n");
  }

  @Test
  void certificateProvidersAreCollectedFromInstalledPackages() throws Exception {
    LoadedConfig loaded = new ConfigLoader(cli).load("testdata/apko-certs.yaml");

    BuiltArch built = build(loaded, Arch.ARM64, "c");

    assertThat(built.packages())
        .containsExactlyInAnyOrder(
            "pretend-baselayout=1.0.0-r0", "custom-ca-certs-1=1.0.0-r0", "custom-ca-certs-2=1.0.0-r0");
    ImageTree rootfs = layer("c", built.layers().get(0));
    List<String> certs = new ArrayList<>();
    rootfs.walk((p, n) -> {
      if (p.startsWith("usr/local/share/ca-certificates/")) {
        certs.add(p);
      }
    });
    assertThat(certs).contains("usr/local/share/ca-certificates/cert-a.crt", "usr/local/share/ca-certificates/cert-d.crt");
  }
}
