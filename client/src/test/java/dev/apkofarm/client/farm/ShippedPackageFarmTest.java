package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.client.cli.ApkoClientCommand;
import dev.apkofarm.client.cli.CliRun;
import dev.apkofarm.coordinator.engine.CoreCoordinatorEngine;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.worker.pipeline.CoreTaskExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package of the client's local repository larger than {@link FollowingUploads#MIN_SIZE}, through a farm on
 * loopback with core's engines: its bytes are uploaded after the submission (the lock goes on with the index and
 * keys, the worker streams the package as it arrives), and the image is the one {@code apko-client build} makes of
 * the same config, byte for byte.
 */
class ShippedPackageFarmTest {
  @TempDir Path tmp;

  private LoopbackFarm farm;
  private Path apk;

  @BeforeEach
  void start() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024];
    new Random(3).nextBytes(data);
    Path content = Files.createDirectories(tmp.resolve("content"));
    Files.write(content.resolve("data"), data);
    SigningKey key = SigningKey.generate("shipped.rsa.pub", 2048);
    Path arch = Files.createDirectories(tmp.resolve("work/repo/x86_64"));
    PackageInfo info = PackageWriter.write(PackageSpec.builder("big", "1.0-r0", "x86_64").build(),
        PackageContent.builder().file("usr/share/big/data", content.resolve("data"), 0644).build(),
        Optional.of(key), SignatureAlgorithm.RSA_SHA256, arch.resolve("big-1.0-r0.apk"), 0);
    IndexWriter.write(arch.resolve(IndexWriter.INDEX_FILE), List.of(info), Optional.of(key),
        SignatureAlgorithm.RSA_SHA256, "shipped");
    Files.writeString(tmp.resolve("work/repo/shipped.rsa.pub"), key.publicKey().pem(), StandardCharsets.US_ASCII);
    Files.writeString(tmp.resolve("work/big.yaml"), "contents:\n  keyring: [repo/shipped.rsa.pub]\n"
        + "  repositories: [repo]\n  packages: [big]\narchs: [amd64]\n");
    apk = arch.resolve("big-1.0-r0.apk");
    assertThat(Files.size(apk)).isGreaterThan(FollowingUploads.MIN_SIZE);

    farm = LoopbackFarm.start(tmp, "shipped", CoreCoordinatorEngine::new, CoreTaskExecutor::new);
  }

  @AfterEach
  void stop() {
    if (farm != null) {
      farm.close();
    }
  }

  private static CliRun cli(String... args) {
    return CliRun.of(ApkoClientCommand::newCommandLine, args);
  }

  @Test
  void aLargeShippedPackageFollowsTheSubmissionAndTheImageIsTheLocalBuilds() throws Exception {
    Path work = tmp.resolve("work");
    CliRun submitted = cli("-C", work.toString(), "submit", "big.yaml", "--coordinator", farm.coordinatorAddress(),
        "--output", tmp.resolve("farm-out").toString());
    Files.createDirectories(tmp.resolve("local-out"));
    CliRun local = cli("-C", work.toString(), "build", "big.yaml", "big:latest", tmp.resolve("local-out").toString(),
        "--cache-dir", tmp.resolve("local-cache").toString());

    assertThat(submitted.exit()).as(submitted.err()).isZero();
    assertThat(local.exit()).as(local.err()).isZero();
    assertThat(Files.readAllBytes(tmp.resolve("farm-out/big/index.json")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("local-out/index.json")));
    // The package went to the coordinator's store once, whole and verified, under its digest.
    Path stored = tmp.resolve("coordinator/blobs/sha256").resolve(Digest.of(Files.readAllBytes(apk)).hex());
    assertThat(stored).exists().hasSameBinaryContentAs(apk);
  }
}
