package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.testing.Await;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package of a GiB through real farm processes that each have a 256 MiB heap: a coordinator and two workers, and
 * the client as a process of its own, building two images of that package at once from a repository served over
 * HTTP. The repository serves it once; the second worker streams it from the first one's disk; it never enters
 * Hazelcast; and no process ever has more than 384 MiB resident. The package's data is stored (gzip level 0): a GiB
 * of bytes on the wire and on disk, written at disk speed, of which all but 16 MiB are zeros (so its layers compress
 * in seconds, while the package still streams through every hop as a GiB).
 */
class FarmLargePackageIT {
  private static final long GIB = 1L << 30;
  private static final long LIMIT_KIB = 384 * 1024;
  private static final List<String> JVM = List.of("-Xmx256m");
  /** What bin/launch gives a daemon with that heap (see there): the serial collector. */
  private static final List<String> DAEMON_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");
  /** What bin/launch sets for every process it starts (see there). */
  private static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

  @TempDir Path tmp;

  private FarmProcesses farm;
  private HttpRepository repo;
  private String apk;
  private long apkSize;

  @BeforeEach
  void repository() throws Exception {
    Path content = Files.createDirectories(tmp.resolve("content"));
    try (RandomAccessFile sparse = new RandomAccessFile(content.resolve("zeros").toFile(), "rw")) {
      sparse.setLength(GIB - 16 * 1024 * 1024); // a hole: no disk until it is packed
    }
    byte[] random = new byte[16 * 1024 * 1024];
    new Random(16).nextBytes(random);
    Files.write(content.resolve("random"), random);
    SigningKey key = SigningKey.generate("large.rsa.pub", 2048);
    Path arch = Files.createDirectories(tmp.resolve("repo/x86_64"));
    PackageInfo info = PackageWriter.write(PackageSpec.builder("big", "1.0-r0", "x86_64").build(),
        PackageContent.builder().file("usr/share/big/zeros", content.resolve("zeros"), 0644)
            .file("usr/share/big/random", content.resolve("random"), 0644).build(),
        Optional.of(key), SignatureAlgorithm.RSA_SHA256, arch.resolve("big-1.0-r0.apk"), 0);
    IndexWriter.write(arch.resolve(IndexWriter.INDEX_FILE), List.of(info), Optional.of(key),
        SignatureAlgorithm.RSA_SHA256, "large");
    Files.writeString(tmp.resolve("repo/large.rsa.pub"), key.publicKey().pem(), StandardCharsets.US_ASCII);
    deleteTree(content);
    apk = info.filename();
    apkSize = Files.size(arch.resolve(apk));
    assertThat(apkSize).isGreaterThan(GIB);
    repo = new HttpRepository(tmp.resolve("repo"));
    farm = new FarmProcesses(Files.createDirectories(tmp.resolve("farm")), FarmProcesses.Mains.REAL, ENVIRONMENT,
        DAEMON_JVM);
  }

  @AfterEach
  void stop() throws Exception {
    if (farm != null) {
      farm.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  private Path config(String name) throws Exception {
    String yaml = "contents:\n"
        + "  keyring: [" + repo.url() + "/large.rsa.pub]\n"
        + "  repositories: [" + repo.url() + "]\n"
        + "  packages: [big]\n"
        + "environment:\n  IMAGE: \"" + name + "\"\n"
        + "archs: [amd64]\n";
    return Files.writeString(Files.createDirectories(tmp.resolve("configs")).resolve(name + ".yaml"), yaml);
  }

  @Test
  void aGibPackageIsFetchedOnceSharedPeerToPeerAndNoProcessHoldsItInMemory() throws Exception {
    FarmProcesses.Daemon coordinator = farm.coordinator();
    FarmProcesses.Daemon first = farm.worker(coordinator, "w1", "amd64", 1);
    FarmProcesses.Daemon second = farm.worker(coordinator, "w2", "amd64", 1);
    Await.until(Duration.ofSeconds(60), "both workers to be connected",
        () -> coordinator.metric("apkofarm_workers{") == 2);
    config("big-a");
    config("big-b");
    Path rss = tmp.resolve("client.rss");
    Path out = tmp.resolve("out");

    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(JVM);
    cmd.addAll(List.of("-Dapkofarm.rss.file=" + rss, "-cp", System.getProperty("java.class.path"),
        PeakRss.class.getName(), "submit", tmp.resolve("configs").toString(), "--coordinator", coordinator.target(),
        "--output", out.toString()));
    long started = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("farm/client.log").toFile());
    pb.environment().putAll(ENVIRONMENT);
    Process client = pb.start();
    assertThat(client.waitFor(5, TimeUnit.MINUTES)).as("the client to finish").isTrue();
    assertThat(client.exitValue()).as(Files.readString(tmp.resolve("farm/client.log")) + farm.logs()).isZero();

    assertThat(out.resolve("big-a/index.json")).exists();
    assertThat(out.resolve("big-b/index.json")).exists();
    // One upstream fetch for the farm: the other worker took the package from the first one's disk.
    assertThat(repo.packageDownloads(apk)).isEqualTo(1);
    assertThat(first.metric("apkofarm_peer_blobs_sent_bytes_total") + second.metric(
        "apkofarm_peer_blobs_sent_bytes_total")).isEqualTo((double) apkSize);
    // Nothing went into Hazelcast: the package is larger than the inline limit, and it is the image's only one.
    assertThat(first.metric("apkofarm_cache_puts_total") + second.metric("apkofarm_cache_puts_total")).isZero();
    // Bounded memory, whatever the package's size.
    long clientKib = Long.parseLong(Files.readString(rss).trim());
    System.out.printf("%s of %d bytes: built in %d s; peak resident sets (MiB): coordinator %d, w1 %d, w2 %d,"
        + " client %d%n", apk, apkSize, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
        PeakRss.kib(coordinator.process().pid()) / 1024, PeakRss.kib(first.process().pid()) / 1024,
        PeakRss.kib(second.process().pid()) / 1024, clientKib / 1024);
    for (FarmProcesses.Daemon d : List.of(coordinator, first, second)) {
      assertThat(PeakRss.kib(d.process().pid())).as(d.name() + "'s peak resident set (KiB)").isLessThan(LIMIT_KIB);
    }
    assertThat(clientKib).as("the client's peak resident set (KiB)").isLessThan(LIMIT_KIB);
  }

  private static void deleteTree(Path p) throws Exception {
    try (var s = Files.walk(p)) {
      for (Path x : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(x);
      }
    }
  }
}
