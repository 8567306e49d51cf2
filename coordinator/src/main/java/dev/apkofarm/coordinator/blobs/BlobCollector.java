package dev.apkofarm.coordinator.blobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees what the coordinator's data dir holds for nobody: blobs (shipped inputs, built outputs, indexes) that nothing
 * in the cluster state references, upload temp files no writer has open (a killed coordinator's), and input trees of
 * no live job. Whatever is younger than the grace period stays, referenced or not: a blob uploaded for a submission
 * not made yet, a result's layers before its report, a blob a client was just told the store has ({@link
 * DiskBlobStore#keep}). A blob expected or arriving, and a temp file being written, always stay. The caller gives
 * the references, read before the sweep: what becomes referenced during it was just stored or kept, so it is young.
 */
public final class BlobCollector {
  /** How long an unreferenced blob, upload or input tree stays after it was last stored or asked for. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);
  /** How often the coordinator sweeps (and once at start, after its recovery). */
  public static final Duration INTERVAL = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(BlobCollector.class);
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  private final DiskBlobStore store;
  private final Path inputs;
  private final Duration grace;
  private final Counter blobsFreed;
  private final Counter bytesFreed;
  private final Counter treesFreed;

  /**
   * @param inputs where the input trees live ({@code <data dir>/inputs}), one directory per tree named by {@link
   *     dev.apkofarm.coordinator.engine.InputTree#name}
   */
  public BlobCollector(DiskBlobStore store, Path inputs, Duration grace, MeterRegistry registry) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the blob grace period must not be negative, got " + grace);
    }
    this.store = store;
    this.inputs = inputs;
    this.grace = grace;
    this.blobsFreed = Counter.builder("apkofarm.blobs.collected").description("Unreferenced blobs removed from the"
        + " coordinator's store (and stale upload temp files)").register(registry);
    this.bytesFreed = Counter.builder("apkofarm.blobs.collected.bytes").baseUnit("bytes")
        .description("Bytes freed in the coordinator's store by blob collection").register(registry);
    this.treesFreed = Counter.builder("apkofarm.inputs.collected").description("Input trees of no live job removed")
        .register(registry);
  }

  /** What one sweep freed. */
  public record Sweep(int blobs, int uploads, long bytes, int trees, int kept) {}

  /**
   * Removes what is unreferenced and older than the grace period.
   *
   * @param blobs every digest ({@code sha256:<hex>}) the cluster state (and the registry front) references
   * @param trees the input tree names of every live job's images
   */
  public Sweep sweep(Set<String> blobs, Set<String> trees) throws IOException {
    Instant cutoff = store.clock().instant().minus(grace);
    int freedBlobs = 0;
    int uploads = 0;
    int kept = 0;
    long bytes = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(store.root().resolve("sha256"))) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        long freed;
        try {
          freed = sweepBlob(p, name, blobs, cutoff);
        } catch (IOException e) {
          log.warn("blob collection skipped {}: {}", p, e.toString()); // tried again at the next sweep
          freed = -1;
        }
        if (freed == KEPT) {
          kept++;
        } else if (freed >= 0) {
          bytes += freed;
          if (name.startsWith(DiskBlobStore.UPLOAD_PREFIX)) {
            uploads++;
          } else {
            freedBlobs++;
          }
        }
      }
    }
    int freedTrees = sweepTrees(trees, cutoff);
    blobsFreed.increment(freedBlobs + uploads);
    bytesFreed.increment(bytes);
    treesFreed.increment(freedTrees);
    Sweep s = new Sweep(freedBlobs, uploads, bytes, freedTrees, kept);
    if (freedBlobs + uploads + freedTrees > 0) {
      log.info("blob collection freed {} bytes: {} unreferenced blob(s), {} stale upload(s), {} input tree(s);"
          + " {} blob(s) kept", bytes, freedBlobs, uploads, freedTrees, kept);
    } else {
      log.debug("blob collection freed nothing; {} blob(s) kept", kept);
    }
    return s;
  }

  /** A blob kept (unlike other entries: temp files kept, foreign files), counted for the log. */
  private static final long KEPT = -2;

  /** @return the bytes freed, {@link #KEPT} for a blob kept, or -1 for anything else left */
  private long sweepBlob(Path p, String name, Set<String> blobs, Instant cutoff) throws IOException {
    if (name.startsWith(DiskBlobStore.UPLOAD_PREFIX)) {
      return store.removeUploadIfIdle(p, cutoff);
    }
    if (!HEX.matcher(name).matches()) {
      return -1; // not the store's
    }
    String digest = "sha256:" + name;
    long freed = blobs.contains(digest) ? -1 : store.removeIfIdle(digest, cutoff);
    return freed >= 0 ? freed : KEPT;
  }

  private int sweepTrees(Set<String> trees, Instant cutoff) throws IOException {
    if (!Files.isDirectory(inputs)) {
      return 0;
    }
    int freed = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(inputs)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        // Trees by their names; a tree being laid out (".inputs-...") or set aside by an earlier sweep that died
        // (".collected-...") by age alone.
        boolean tree = HEX.matcher(name).matches();
        if (tree && trees.contains(name) || !Files.isDirectory(p)) {
          continue;
        }
        if (!tree && !name.startsWith(".collected-") && !name.startsWith(".inputs-")) {
          continue;
        }
        Path aside = inputs.resolve(".collected-" + name.replace(".collected-", ""));
        try {
          if (p.equals(aside) ? idleBefore(p, cutoff) : store.setAsideIfIdle(p, aside, cutoff)) {
            deleteTree(aside);
            if (tree) {
              freed++;
            }
          }
        } catch (IOException e) {
          log.warn("blob collection skipped the input tree {}: {}", p, e.toString());
        }
      }
    }
    return freed;
  }

  private static boolean idleBefore(Path p, Instant cutoff) throws IOException {
    return Files.getLastModifiedTime(p).toInstant().isBefore(cutoff);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException gone) {
          // removed meanwhile
        }
      }
    }
  }
}
