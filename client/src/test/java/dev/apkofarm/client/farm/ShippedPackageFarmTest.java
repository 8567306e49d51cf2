package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.client.cli.ApkoClientCommand;
import dev.apkofarm.client.cli.CliRun;
import dev.apkofarm.coordinator.engine.CoreCoordinatorEngine;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.worker.pipeline.CoreTaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
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
    apk = ShippedRepository.write(Files.createDirectories(tmp.resolve("work")), 3 * 1024 * 1024, 3);
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

  /** Every file under {@code dir}, and {@code dir}'s entries, made {@code age} old: time passing, on the disk. */
  private static void age(Path dir, java.time.Duration age) throws java.io.IOException {
    java.nio.file.attribute.FileTime then = java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(age));
    try (var s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.setLastModifiedTime(p, then);
      }
    }
  }

  @Test
  void aSweptStoreKeepsARetainedJobsOutputsAndTheSameSubmissionShipsWhatWasFreedAgain() throws Exception {
    Path work = tmp.resolve("work");
    CliRun first = cli("-C", work.toString(), "submit", "big.yaml", "--coordinator", farm.coordinatorAddress(),
        "--output", tmp.resolve("first").toString());
    assertThat(first.exit()).as(first.err()).isZero();
    Path store = tmp.resolve("coordinator/blobs/sha256");
    Path stored = store.resolve(Digest.of(Files.readAllBytes(apk)).hex());
    assertThat(stored).exists();
    age(store, java.time.Duration.ofHours(2));
    age(tmp.resolve("coordinator/inputs"), java.time.Duration.ofHours(2));

    var swept = farm.coordinator().collectBlobs();

    // The finished job's inputs are nobody's now; its outputs are its, while it is retained (a client may re-attach).
    assertThat(stored).doesNotExist();
    assertThat(swept.trees()).isEqualTo(1);
    try (var outputs = Files.list(tmp.resolve("first/big/blobs/sha256"))) {
      for (Path blob : (Iterable<Path>) outputs::iterator) {
        assertThat(store.resolve(blob.getFileName())).as("output " + blob.getFileName()).exists();
      }
    }
    CliRun again = cli("-C", work.toString(), "submit", "big.yaml", "--coordinator", farm.coordinatorAddress(),
        "--output", tmp.resolve("again").toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(Files.readAllBytes(tmp.resolve("again/big/index.json")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("first/big/index.json")));
    assertThat(stored).as("shipped again: the store said it lacked it").exists().hasSameBinaryContentAs(apk);
  }
}
