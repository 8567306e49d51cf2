package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.client.cli.ApkoClientCommand;
import dev.apkofarm.client.cli.CliRun;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.Await;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.ListJobsRequest;
import dev.apkofarm.proto.v1.TaskState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Shipped packages follow the submission" on real processes: a client ({@code submit --output}, a JVM of its own)
 * ships a signed package of 64 MiB of random bytes from its local repository to a coordinator and a worker (real
 * engines); the coordinator is killed with SIGKILL once the job's task runs (its worker streams the package as it
 * arrives) and the package is still arriving (its upload's temp file in the coordinator's data dir holds part of it
 * and grows, and the blob is not stored: read from the disk, not timed), and started again on the same data dir and
 * port. The client must send the package again, the job
 * must succeed, and the image must be the one {@code apko-client build} makes of the same config, byte for byte.
 *
 * <p>No throttling: the daemons run as every farm test runs them (C1 only, {@link FarmProcesses}), so the
 * coordinator's sha256 of the arriving bytes is what paces the upload (about a second for 64 MiB), while the client
 * (tiered, C2) digests the package in a fraction of that and submits: the job locks and its task runs well before
 * the last byte. (Observed: the worker's download of the package resumes from its offset once the restarted
 * coordinator has the client's re-upload, and the task's first attempt succeeds.)
 */
class FarmUploadRestartIT {
  private static final int DATA = 64 * 1024 * 1024;
  private static final Duration CLIENT = Duration.ofMinutes(3);

  @TempDir Path tmp;
  private FarmProcesses farm;
  private ManagedChannel channel;
  private Process client;
  private Path apk;
  private String apkDigest;

  @BeforeEach
  void repository() throws Exception {
    apk = ShippedRepository.write(Files.createDirectories(tmp.resolve("work")), DATA, 64);
    assertThat(Files.size(apk)).isGreaterThan(DATA);
    apkDigest = sha256(apk);
    farm = new FarmProcesses(Files.createDirectories(tmp.resolve("farm")), FarmProcesses.Mains.REAL);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.destroyForcibly();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (farm != null) {
      farm.close();
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest sha = Digest.newSha256();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return Digest.sha256(sha.digest()).hex();
  }

  /** The temp files of uploads under way in the coordinator's store (see DiskBlobStore#writer). */
  private static long arrivingBytes(Path blobs) {
    try (Stream<Path> s = Files.list(blobs)) {
      long sum = 0;
      for (Path p : (Iterable<Path>) s.filter(p -> p.getFileName().toString().startsWith(".upload-"))::iterator) {
        sum += Files.size(p);
      }
      return sum;
    } catch (IOException e) {
      return 0; // a temp file renamed or removed while listed: look again
    }
  }

  /** Whether the job's task runs: its worker is streaming the package from the coordinator as it arrives. */
  private boolean taskRunning() {
    return BuildServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .listJobs(ListJobsRequest.newBuilder().setIncludeFinished(true).build()).getJobsList().stream()
        .flatMap(j -> j.getImagesList().stream()).flatMap(i -> i.getTasksList().stream())
        .anyMatch(t -> t.getState() == TaskState.TASK_RUNNING);
  }

  @Test
  void aCoordinatorKilledWhileAShippedPackageArrivesGetsItAgainAndTheImageIsTheLocalBuilds() throws Exception {
    Path work = tmp.resolve("work");
    Path local = Files.createDirectories(tmp.resolve("local-out"));
    CliRun built = CliRun.of(ApkoClientCommand::newCommandLine, "-C", work.toString(), "build", "big.yaml",
        "big:latest", local.toString(), "--cache-dir", tmp.resolve("local-cache").toString());
    assertThat(built.exit()).as(built.err()).isZero();

    FarmProcesses.Daemon coordinator = farm.coordinator();
    farm.worker(coordinator, "w1", "amd64", 1);
    Await.until(Duration.ofSeconds(60), "the worker to be connected",
        () -> coordinator.metric("apkofarm_workers{") == 1);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    Path blobs = tmp.resolve("farm/coordinator-data/blobs/sha256");
    Path stored = blobs.resolve(apkDigest);

    Path out = tmp.resolve("farm-out");
    Path clientLog = tmp.resolve("farm/client.log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), dev.apkofarm.client.Main.class.getName(),
        "-C", work.toString(), "submit", "big.yaml", "--coordinator", coordinator.target(), "--output",
        out.toString()));
    client = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(clientLog.toFile()).start();

    // Mid-upload: the job's task runs (its worker follows the arriving package), part of the package is in the
    // upload's temp file and growing, and the blob is not stored yet (both read from the coordinator's disk).
    long[] seen = new long[1];
    Await.until(Duration.ofSeconds(90), "the task to run while the package still arrives", () -> {
      assertThat(Files.exists(stored)).as("the package was stored before the job was seen: no upload to break off"
          + " (client log: " + clientLog + ")").isFalse();
      if (!client.isAlive()) {
        throw new AssertionError("the client exited with " + client.exitValue());
      }
      seen[0] = arrivingBytes(blobs);
      return seen[0] > 0 && taskRunning() && arrivingBytes(blobs) > seen[0];
    });
    FarmProcesses.kill(coordinator);
    long atKill = arrivingBytes(blobs);
    assertThat(stored).as("the coordinator died before the package was stored").doesNotExist();
    System.out.printf("killed with %d of %d bytes arrived, the task running%n", atKill, Files.size(apk));
    assertThat(atKill).as("part of the package had arrived").isPositive().isLessThan(Files.size(apk));
    channel.shutdownNow();
    farm.restart(coordinator);

    assertThat(client.waitFor(CLIENT.toSeconds(), TimeUnit.SECONDS)).as("the client to finish").isTrue();
    String log = Files.readString(clientLog);
    assertThat(client.exitValue()).as(log + farm.logs()).isZero();
    assertThat(Files.readAllBytes(out.resolve("big/index.json")))
        .isEqualTo(Files.readAllBytes(local.resolve("index.json")));
    // The restarted coordinator has the package whole: its client went on from the byte the killed one had kept on
    // its disk (what the coordinator's store kept under the upload's resume key), not from byte 0.
    assertThat(stored).exists().hasSameBinaryContentAs(apk);
    java.util.regex.Matcher resumed = java.util.regex.Pattern.compile(" resumed at byte (\\d+)")
        .matcher(FarmProcesses.log(coordinator));
    assertThat(resumed.find()).as("the coordinator logs the resumption:\n" + farm.logs()).isTrue();
    assertThat(Long.parseLong(resumed.group(1))).isEqualTo(atKill);
  }
}
