package dev.apkofarm.client.cds;

import dev.apkofarm.client.Main;
import dev.apkofarm.client.cli.ApkoClientCommand;
import dev.apkofarm.client.examples.ExampleRepository;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.Coordinator;
import dev.apkofarm.coordinator.CoordinatorSettings;
import dev.apkofarm.coordinator.engine.CoreCoordinatorEngine;
import dev.apkofarm.coordinator.hazelcast.HazelcastBackend;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.worker.Worker;
import dev.apkofarm.worker.WorkerSettings;
import dev.apkofarm.worker.pipeline.CoreTaskExecutor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The training run of the class-data-sharing archive: the build runs this once, at {@code package} time, in a JVM
 * started with {@code -XX:DumpLoadedClassList}, and archives the classes listed ({@code -Xshare:dump}), so every class
 * the CLI's common commands load is in the archive the launchers hand to later runs. Each command runs as a user runs it, through the CLI's own command line, on the
 * repository's test data; a command that fails fails the build, since an archive trained on an error path would
 * leave the real path out.
 *
 * <p>Usage: {@code Training TESTDATA_DIR EXAMPLES_DIR SCRATCH_DIR} (a fresh directory is made in SCRATCH_DIR for each
 * run, and left for the build's clean).
 */
public final class Training {
  private Training() {}

  public static void main(String[] args) throws IOException, BadInputException {
    if (args.length != 3) {
      System.err.println("usage: Training TESTDATA_DIR EXAMPLES_DIR SCRATCH_DIR");
      System.exit(2);
    }
    Path testdata = Path.of(args[0]).toAbsolutePath().normalize();
    Path examples = Path.of(args[1]).toAbsolutePath().normalize();
    Path scratch = Files.createTempDirectory(Files.createDirectories(Path.of(args[2]).toAbsolutePath()), "run-");
    Main.quietLibraries();
    // The stored usage texts, as bin/apko-client --help prints them; a jar whose texts do not print is a broken build.
    if (!ApkoClientCommand.printStoredUsage(new PrintStream(OutputStream.nullOutputStream()), "--help")) {
      System.err.println("the jar's stored usage texts are missing or stale");
      System.exit(1);
    }
    List<List<String>> commands = commands(testdata, examples, scratch);
    for (List<String> command : commands) {
      // As a process runs them: parsed without picocli where the stored tables can (ApkoClientCommand.execute).
      check(command, ApkoClientCommand.execute(discard(), discard(), Map.of(), null, command.toArray(String[]::new)));
    }
    // And once through picocli, which parses whatever the tables leave to it.
    List<String> golden = commands.get(2);
    check(golden, ApkoClientCommand.newCommandLine(discard(), discard(), Map.of()).execute(golden.toArray(String[]::new)));
    startDaemons(scratch);
    System.exit(0);
  }

  /**
   * The daemons share the archive, and their start is mostly Hazelcast's and Netty's classes, which no CLI command
   * loads any more (the embedded farm runs without a member): a coordinator with its own member and a worker that
   * joins it through the coordinator, on loopback, started and stopped as {@code apko-coordinator} and
   * {@code apko-worker} start them. Without this a coordinator took 1.5 s to serve instead of 0.6 s.
   */
  private static void startDaemons(Path scratch) throws IOException {
    String cluster = "training-" + UUID.randomUUID();
    MemberSettings member = MemberSettings.loopback(cluster, List.of());
    Transport.Security loopback = Transport.Security.plaintextLoopback();
    Path data = scratch.resolve("coordinator");
    try (Coordinator coordinator = Coordinator.start(new CoordinatorSettings("127.0.0.1", 0, loopback, member, data,
        new SchedulerConfig(Duration.ofSeconds(15), Duration.ofSeconds(1), 3, 1000), "127.0.0.1", -1, -1,
        Optional.empty()), HazelcastBackend.start(member, data, loopback), null, CoreCoordinatorEngine::new)) {
      // With no members named, the worker asks the coordinator which cluster to join, as a daemon worker does.
      Worker.start(new WorkerSettings("127.0.0.1:" + coordinator.port(), loopback, "training", Arch.AMD64, 1, member,
          scratch.resolve("worker"), Duration.ZERO, -1, -1), CoreTaskExecutor::new).close();
    }
  }

  /** The commands trained on, in the shapes scripts/bench-cli measures. */
  private static List<List<String>> commands(Path testdata, Path examples, Path scratch)
      throws IOException, BadInputException {
    Path cli = testdata.resolve("apko/cli");
    Path alpine = testdata.resolve("apko/apk/alpine-316");
    Path cache = scratch.resolve("cache");
    // show-packages reads Alpine 3.16's index laid out as a repository, as the benchmark does.
    Path repository = Files.createDirectories(scratch.resolve("alpine/x86_64"));
    Files.copy(alpine.resolve("APKINDEX.tar.gz"), repository.resolve("APKINDEX.tar.gz"));
    Path config = scratch.resolve("build-base.yaml");
    Files.writeString(config, "contents:\n  repositories: [" + scratch.resolve("alpine") + "]\n  keyring: ["
        + alpine.resolve("alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub") + "]\n  packages: [build-base]\n"
        + "archs: [x86_64]\n");
    Path golden = Files.createDirectories(scratch.resolve("golden"));
    // submit runs on the README's examples, as a user (and the benchmark) runs it: their accounts, paths, layering and
    // service bundle reach code the golden config does not. The examples module builds their repository after this
    // one, so the training builds its own copy from the same sources, in the scratch directory.
    Path examplesCopy = copyExamples(examples, scratch);
    ExampleRepository.write(examplesCopy);
    return List.of(
        List.of("version"),
        List.of("--help"),
        List.of("-C", cli.toString(), "build", "testdata/apko.yaml", "golden:latest", golden.toString(),
            "--arch", "amd64,arm64", "--cache-dir", cache.toString()),
        List.of("show-packages", config.toString(), "--cache-dir", cache.toString()),
        List.of("-C", scratch.toString(), "submit", "examples/", "--output", scratch.resolve("submit").toString()));
  }

  /**
   * Copies the examples' configs (top-level YAML), keys and package sources, with their file modes, to
   * {@code scratch/examples}.
   */
  private static Path copyExamples(Path examples, Path scratch) throws IOException {
    Path copy = Files.createDirectories(scratch.resolve("examples"));
    try (Stream<Path> s = Files.list(examples)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(".yaml") && Files.isRegularFile(p)) {
          Files.copy(p, copy.resolve(name));
        }
      }
    }
    for (String dir : List.of("keys", "packages")) {
      try (Stream<Path> s = Files.walk(examples.resolve(dir))) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Path target = copy.resolve(examples.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES); // executables stay executable
          }
        }
      }
    }
    return copy;
  }

  private static void check(List<String> command, int code) {
    if (code != 0) {
      System.err.println("training command failed (exit " + code + "): " + String.join(" ", command));
      System.exit(1);
    }
  }

  private static PrintWriter discard() {
    return new PrintWriter(OutputStream.nullOutputStream(), true);
  }
}
