package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.client.examples.ExampleRepository;
import dev.apkofarm.client.farm.JobFollower;
import dev.apkofarm.cluster.security.BearerToken;
import dev.apkofarm.cluster.security.TlsFiles;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.testing.Await;
import dev.apkofarm.core.testing.ExternalTools;
import dev.apkofarm.core.testing.TestCertificates;
import dev.apkofarm.e2e.support.ApkoCli;
import dev.apkofarm.e2e.support.FarmImage;
import dev.apkofarm.e2e.support.RequiresDocker;
import dev.apkofarm.e2e.support.WorkDir;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.GetJobRequest;
import dev.apkofarm.proto.v1.ImageState;
import dev.apkofarm.proto.v1.ImageStatus;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.JobEvent;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/compose.yaml} for real, with Debian's docker-compose: the farm's own image (scripts/farm-image), a
 * coordinator and two amd64 workers, TLS for clients and workers from a CA this test makes (compose.tls.yaml, no
 * {@code --insecure}) and the token. From the host, {@code apko-client submit examples/} gives the embedded farm's
 * digests; then 240 images are built while a worker container is killed and the coordinator container is killed and
 * brought back, and every image still has the embedded farm's index digest. {@code /metrics} answers.
 */
@RequiresDocker
class ComposeIT {
  private static final Duration UP = Duration.ofMinutes(3);
  private static final Duration JOB = Duration.ofMinutes(10);
  private static final int COPIES = 40;
  private static final Pattern DIGEST_LINE = Pattern.compile("(?m)^(\\S+) (sha256:[0-9a-f]{64})$");
  private static final String PROJECT = "apkofarm-e2e-" + UUID.randomUUID().toString().substring(0, 8);

  private static Path work;
  private static Path secrets;
  private static Map<String, String> env;
  private static String target;
  private static int metricsPort;
  private static long upNanos;

  @BeforeAll
  static void up() throws Exception {
    ExternalTools.require("docker-compose");
    String image = FarmImage.reference();
    work = WorkDir.fresh("compose");
    secrets = Files.createDirectories(work.resolve("secrets"));
    byte[] token = new byte[32];
    new SecureRandom().nextBytes(token);
    Files.writeString(secrets.resolve("token"), HexFormat.of().formatHex(token) + "\n");
    // "coordinator": the name workers dial on the compose network; 127.0.0.1: the host's clients.
    TestCertificates tls = TestCertificates.generate(Files.createDirectories(work.resolve("ca")), "coordinator");
    Files.copy(tls.caCertificate(), secrets.resolve("ca.crt"));
    Files.copy(tls.serverCertificate(), secrets.resolve("tls.crt"));
    Files.copy(tls.serverKey(), secrets.resolve("tls.key"));
    // Compose v1 bind-mounts secret files as they are: the daemons' user (10001) must be able to read them.
    try (Stream<Path> s = Files.list(secrets)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    env = Map.of("APKO_FARM_IMAGE", image, "APKO_FARM_SECRETS", secrets.toString(), "APKO_FARM_PORT", "",
        "APKO_FARM_METRICS_PORT", "");
    long start = System.nanoTime();
    compose("up", "-d", "--scale", "worker-amd64=2");
    target = published("7070");
    metricsPort = Integer.parseInt(published("9090").substring("127.0.0.1:".length()));
    awaitWorkers(2);
    upNanos = System.nanoTime() - start;
    examples(work);
  }

  @AfterAll
  static void down() throws IOException {
    if (env != null) {
      ExternalTools.Result logs = composeQuietly("logs", "--no-color");
      Files.writeString(work.resolve("compose.log"), logs.stdout() + logs.stderr());
      composeQuietly("down", "-v", "--timeout", "10");
    }
  }

  private static ExternalTools.Result composeQuietly(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("docker-compose", "--no-ansi", "-p", PROJECT,
        "-f", ApkoCli.projectRoot().resolve("deploy/compose.yaml").toString(),
        "-f", ApkoCli.projectRoot().resolve("deploy/compose.tls.yaml").toString()));
    cmd.addAll(List.of(args));
    return ExternalTools.run(cmd, ApkoCli.projectRoot(), env, UP);
  }

  private static String compose(String... args) throws IOException {
    return composeQuietly(args).ok().stdout();
  }

  /** 127.0.0.1:PORT where the coordinator's container port is published. */
  private static String published(String containerPort) throws IOException {
    String line = compose("port", "coordinator", containerPort).trim();
    assertThat(line).matches("127\\.0\\.0\\.1:[0-9]+");
    return line;
  }

  /** The coordinator's /metrics text, or empty while it does not answer. */
  private static Optional<String> metrics() {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Waits until the coordinator counts {@code n} connected workers (its apkofarm_workers gauge). */
  private static void awaitWorkers(int n) {
    Await.until(UP, n + " workers connected to the coordinator", () -> metrics().map(m -> m.lines()
        .filter(l -> l.startsWith("apkofarm_workers{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum() == n).orElse(false));
  }

  /** {@code dir/examples} with its repository generated, as a user's checkout has it after {@code mvn package}. */
  private static void examples(Path dir) throws Exception {
    Path src = ApkoCli.projectRoot().resolve("examples");
    Path dst = Files.createDirectories(dir.resolve("examples"));
    try (Stream<Path> s = Files.list(src)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (n.endsWith(".yaml") || n.equals("keys") || n.equals("packages")) {
          copyTree(p, dst.resolve(n));
        }
      }
    }
    ExampleRepository.write(dst);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static ExternalTools.Result client(String... args) throws IOException {
    return ApkoCli.in(work).timeout(JOB).client(args).ok();
  }

  private static String[] farm(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--coordinator", target, "--tls-ca", secrets.resolve("ca.crt").toString(),
        "--token-file", secrets.resolve("token").toString()));
    return all.toArray(String[]::new);
  }

  private static Map<String, String> digests(String output) {
    Map<String, String> out = new TreeMap<>();
    Matcher m = DIGEST_LINE.matcher(output);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  @Test
  void submitOfTheExamplesOverTlsGivesTheEmbeddedFarmsDigests() throws IOException {
    Map<String, String> farmed = digests(client(farm("submit", "examples/", "--output", "out-farm")).stdout());
    Map<String, String> embedded = digests(client("submit", "examples/", "--output", "out-embedded").stdout());

    assertThat(farmed).hasSize(6).isEqualTo(embedded);
    assertThat(metrics()).hasValueSatisfying(m -> assertThat(m)
        .contains("apkofarm_queue_length", "apkofarm_tasks_finished_total{outcome=\"succeeded\"}"));
    System.out.printf("compose: up with 2 workers in %.1f s%n", upNanos / 1e9);
  }

  @Test
  void aJobOutlivesAKilledWorkerContainerAndAKilledCoordinatorContainer() throws Exception {
    Path configs = Files.createDirectories(work.resolve("drill"));
    try (Stream<Path> s = Files.list(work.resolve("examples"))) {
      for (Path example : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".yaml")).sorted()::iterator) {
        String name = example.getFileName().toString().replace(".yaml", "");
        for (int i = 0; i < COPIES; i++) {
          Files.writeString(configs.resolve(name + "-" + i + ".yaml"), Files.readString(example)
              + "\nvcs-url: https://example.test/compose/" + name + "/" + i + "\n");
        }
      }
    }
    Map<String, String> expected = digests(client("submit", "drill/").stdout());
    assertThat(expected).hasSize(6 * COPIES);
    long start = System.nanoTime();
    String jobId = client(farm("submit", "drill/", "--detach")).stdout().trim();

    Transport.Security security = new Transport.Security(
        Optional.of(new TlsFiles(null, null, secrets.resolve("ca.crt"), false)), false,
        BearerToken.load(secrets.resolve("token")));
    AtomicInteger done = new AtomicInteger();
    AtomicLong lastSeq = new AtomicLong();
    ManagedChannel before = Transport.channel(target, security);
    CompletableFuture<JobEvent> end = CompletableFuture.supplyAsync(
        () -> new JobFollower(before, JOB).follow(jobId, 1, e -> count(e, done, lastSeq)));
    awaitTasks(done, 48, end);
    String worker = compose("ps", "-q", "worker-amd64").lines().findFirst().orElseThrow();
    ExternalTools.run(List.of("docker", "kill", worker)).ok();
    awaitTasks(done, 144, end);
    compose("kill", "coordinator");
    before.shutdownNow(); // its watch ends here; the host port may change with the container's restart
    long restart = System.nanoTime();
    compose("up", "-d", "--no-recreate", "coordinator");
    target = published("7070");
    metricsPort = Integer.parseInt(published("9090").substring("127.0.0.1:".length()));
    ManagedChannel after = Transport.channel(target, security);
    try {
      JobEvent last = new JobFollower(after, JOB).follow(jobId, lastSeq.get() + 1, e -> count(e, done, lastSeq));
      assertThat(last.hasJobDone()).as(last.toString()).isTrue();
      System.out.printf("compose drill: %d images in %.1f s; the coordinator's restart to the job's end %.1f s%n",
          expected.size(), (System.nanoTime() - start) / 1e9, (System.nanoTime() - restart) / 1e9);

      Job job = BuildServiceGrpc.newBlockingStub(after).getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
      Map<String, String> built = new TreeMap<>();
      for (ImageStatus i : job.getImagesList()) {
        assertThat(i.getState()).as(i.getName() + ": " + i.getFailure()).isEqualTo(ImageState.IMAGE_SUCCEEDED);
        built.put(i.getName(), i.getIndex().getDigest());
      }
      assertThat(built).isEqualTo(expected);
      assertThat(metrics()).as("/metrics of the restarted coordinator").isPresent();
    } finally {
      after.shutdownNow();
    }
  }

  private static void count(JobEvent e, AtomicInteger tasksDone, AtomicLong lastSeq) {
    lastSeq.set(e.getSeq());
    if (e.hasTaskDone()) {
      tasksDone.incrementAndGet();
    }
  }

  private static void awaitTasks(AtomicInteger done, int atLeast, CompletableFuture<JobEvent> end) {
    Await.until(JOB, atLeast + " tasks to be done", () -> {
      if (end.isDone() && !end.isCompletedExceptionally()) {
        throw new AssertionError("the job ended before " + atLeast + " tasks were done: " + end.join());
      }
      return done.get() >= atLeast;
    });
  }
}
