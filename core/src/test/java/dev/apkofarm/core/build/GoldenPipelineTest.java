package dev.apkofarm.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.install.ApkDatabase.KeyFile;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole per-arch pipeline (database init, install, finishing, layer, config, manifest, SBOM, index) on apko's
 * golden packages, reconstructed from the golden layers: diff_ids and config blobs must equal apko's.
 */
class GoldenPipelineTest {
  @TempDir Path out;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  static LockedImage goldenImage(Map<Arch, List<LockedPackage>> locked) throws Exception {
    Path cli = Fixtures.apkoCli();
    ImageConfig config = new ConfigLoader(cli).load(ApkoGolden.CONFIG).config();
    Map<String, String> annotations = new LinkedHashMap<>(config.annotations());
    annotations.putAll(ApkoGolden.annotations());
    config = config.toBuilder().annotations(annotations).archs(List.of(Arch.AMD64, Arch.ARM64)).build();
    byte[] key = Files.readAllBytes(cli.resolve("testdata/melange.rsa.pub"));
    return new LockedImage(config, List.of(new KeyFile("melange.rsa.pub", key)), locked);
  }

  @Test
  void buildsApkosGoldenImageFromItsPackages() throws Exception {
    GoldenPackages packages = new GoldenPackages();
    LockedImage image = goldenImage(packages.locked());
    DirectoryBlobStore store = new DirectoryBlobStore(out.resolve("blobs"));
    BuildOptions options = BuildOptions.defaults(ApkoGolden.REFERENCE);
    List<String> warnings = new ArrayList<>();
    ArchBuilder builder = new ArchBuilder(pool, warnings::add);

    BuiltArch amd64 = builder.build(image, Arch.AMD64, packages, options, store);
    BuiltArch arm64 = builder.build(image, Arch.ARM64, packages, options, store);
    BuiltImage built = IndexAssembler.assemble(image, List.of(arm64, amd64), options, store);

    assertThat(amd64.layers().get(0).diffId()).hasToString(ApkoGolden.AMD64_DIFF_ID);
    assertThat(arm64.layers().get(0).diffId()).hasToString(ApkoGolden.ARM64_DIFF_ID);
    assertThat(amd64.config().digest()).hasToString(ApkoGolden.AMD64_CONFIG);
    assertThat(arm64.config().digest()).hasToString(ApkoGolden.ARM64_CONFIG);
    assertThat(built.archs()).extracting(BuiltArch::arch).containsExactly(Arch.AMD64, Arch.ARM64);
    assertThat(warnings).containsExactlyInAnyOrder("amd64: /etc/group is missing", "arm64: /etc/group is missing");
  }
}
