package dev.apkofarm.cluster.cache;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import dev.apkofarm.cluster.blobs.PeerBlobService;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.LocalBlob;
import dev.apkofarm.core.cache.SharedCache;
import dev.apkofarm.core.oci.Digest;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The farm's shared package cache. A blob of at most {@code inlineLimit} bytes lives in Hazelcast itself
 * ({@link HazelcastBlobCache}: one round trip to read, bounded by each member's cache heap). A larger one never
 * enters a heap: the member that has it on disk serves it from there ({@link PeerBlobService}) and records where in
 * the location index, a Hazelcast multimap from cache key to {@link BlobLocation}s; a reader streams it from one of
 * those members and checks size and sha256 as the bytes pass, and the engine then verifies the package against its
 * signed index. A location whose member left, that cannot be reached, or that streams wrong bytes is removed. Who
 * fetches a blob from its origin is settled by {@link HazelcastFetchClaims}.
 */
public final class FarmBlobCache implements SharedCache, AutoCloseable {
  /** Blobs up to this size are kept in Hazelcast; larger ones only on members' disks (see docs/farm.md). */
  public static final long INLINE_LIMIT = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(FarmBlobCache.class);

  /**
   * How this member shares large blobs with its peers.
   *
   * @param service its peer blob service, which will serve what this member offers
   * @param address host:port at which the other members reach that service
   */
  public record Sharing(PeerBlobService service, String address) {}

  private final HazelcastInstance member;
  private final HazelcastBlobCache inline;
  private final MultiMap<String, String> locations;
  private final HazelcastFetchClaims claims;
  private final long inlineLimit;
  private final Optional<Sharing> sharing;
  private final PeerReads peers;
  /** The location each key was last read from here, so that a copy failing verification can be dropped there. */
  private final ConcurrentHashMap<BlobKey, BlobLocation> lastRead = new ConcurrentHashMap<>();
  private final AtomicLong peerHits = new AtomicLong();
  private final AtomicLong peerBytes = new AtomicLong();
  private final AtomicLong staleLocations = new AtomicLong();

  /**
   * @param member this process's Hazelcast member
   * @param sharing how this member serves large blobs it offers (empty: it keeps them to itself, e.g. the embedded
   *     farm, whose one worker has no peer)
   * @param peers how to reach other members' peer blob services
   */
  public FarmBlobCache(HazelcastInstance member, Optional<Sharing> sharing, PeerReads peers) {
    this(member, INLINE_LIMIT, sharing, peers);
  }

  /** With another inline limit than {@link #INLINE_LIMIT} (tests, and the benchmark that chose it). */
  public FarmBlobCache(HazelcastInstance member, long inlineLimit, Optional<Sharing> sharing, PeerReads peers) {
    this.member = member;
    this.inline = new HazelcastBlobCache(member, (int) Math.min(HazelcastBlobCache.MAX_CHUNK, Math.max(1,
        inlineLimit)));
    this.locations = member.getMultiMap(Members.CACHE_LOCATIONS);
    this.claims = new HazelcastFetchClaims(member);
    this.inlineLimit = inlineLimit;
    this.sharing = sharing;
    this.peers = peers;
  }

  /** The inline tier (small blobs in Hazelcast). */
  public HazelcastBlobCache inline() {
    return inline;
  }

  @Override
  public Optional<InputStream> open(BlobKey key) throws IOException {
    Optional<InputStream> small = inline.open(key);
    if (small.isPresent()) {
      lastRead.remove(key);
      return small;
    }
    List<BlobLocation> held = located(key);
    Set<UUID> members = new HashSet<>();
    for (Member m : member.getCluster().getMembers()) {
      members.add(m.getUuid());
    }
    UUID self = member.getCluster().getLocalMember().getUuid();
    for (BlobLocation at : held) {
      if (!members.contains(at.member()) || at.member().equals(self)) {
        // A member that left; or this one, which would not ask if it still had the file.
        drop(key, at, "its member is gone");
        continue;
      }
      try {
        InputStream in = peers.open(at, () -> drop(key, at, "it streamed other bytes than announced"));
        lastRead.put(key, at);
        peerHits.incrementAndGet();
        return Optional.of(new Counting(in));
      } catch (IOException e) {
        drop(key, at, e.getMessage());
      }
    }
    return Optional.empty();
  }

  private List<BlobLocation> located(BlobKey key) {
    List<BlobLocation> out = new ArrayList<>();
    for (String s : locations.get(key.value())) {
      try {
        out.add(BlobLocation.parse(s));
      } catch (IllegalArgumentException e) {
        locations.remove(key.value(), s); // not ours to read: whoever wrote it, it serves nobody
      }
    }
    Collections.shuffle(out); // spread readers over the holders
    return out;
  }

  private void drop(BlobKey key, BlobLocation at, String why) {
    if (locations.remove(key.value(), at.toString())) {
      staleLocations.incrementAndGet();
      log.info("{}: dropped its location {} ({})", key, at.address(), why);
    }
  }

  /** Whether the farm has {@code key}, inline or on some member's disk (for reporting where packages came from). */
  @Override
  public boolean contains(BlobKey key) {
    return inline.contains(key) || locations.containsKey(key.value());
  }

  /** Stores {@code content} inline when it is small; a larger blob is not kept (it has no file here to serve). */
  @Override
  public void put(BlobKey key, InputStream content) throws IOException {
    byte[] head = content.readNBytes((int) Math.min(Integer.MAX_VALUE - 9, Math.max(0, inlineLimit)) + 1);
    if (head.length <= inlineLimit) {
      inline.put(key, new ByteArrayInputStream(head));
    }
  }

  /** Small blobs go inline; a larger one stays where it is and is served from there, its location recorded. */
  @Override
  public void offer(BlobKey key, LocalBlob blob) throws IOException {
    if (blob.size() <= inlineLimit) {
      if (!inline.contains(key)) {
        try (InputStream in = Files.newInputStream(blob.file())) {
          inline.put(key, in);
        }
      }
      return;
    }
    if (sharing.isEmpty()) {
      return;
    }
    sharing.get().service().share(blob);
    BlobLocation here = new BlobLocation(member.getCluster().getLocalMember().getUuid(), sharing.get().address(),
        blob.sha256(), blob.size());
    locations.put(key.value(), here.toString());
  }

  /**
   * Shares again the large packages a member holds on disk from before its restart (its disk cache {@code dir},
   * entries named by their cache key): each is read once for its sha256 (the disk cache keeps none) and offered, so
   * the location index lists this member again and other workers take a package from it instead of its origin. Small
   * entries are left alone (the inline tier is a cache that refills itself), and so are names that are no package key
   * (temp files). A reader checks every byte as always: nothing here is trusted.
   *
   * @return how many packages were shared
   */
  public int reannounce(Path dir) throws IOException {
    if (sharing.isEmpty() || !Files.isDirectory(dir)) {
      return 0;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(f -> f.getFileName().toString().startsWith("apk:") && Files.isRegularFile(f)).sorted().toList();
    }
    int shared = 0;
    for (Path f : files) {
      BlobKey key;
      long size;
      try {
        key = new BlobKey(f.getFileName().toString());
        size = Files.size(f);
      } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
        continue; // not a cache entry, or removed meanwhile (its copy was bad)
      }
      if (size <= inlineLimit) {
        continue;
      }
      MessageDigest sha = Digest.newSha256();
      long n;
      try (InputStream in = Files.newInputStream(f)) {
        n = in.transferTo(new java.security.DigestOutputStream(OutputStream.nullOutputStream(), sha));
      } catch (java.nio.file.NoSuchFileException e) {
        continue;
      }
      offer(key, new LocalBlob(f, Digest.sha256(sha.digest()), n));
      shared++;
    }
    return shared;
  }

  /** Drops the inline entry and the location this member last read {@code key} from (its copy was bad). */
  @Override
  public void remove(BlobKey key) {
    inline.remove(key);
    BlobLocation at = lastRead.remove(key);
    if (at != null) {
      drop(key, at, "its copy failed verification");
    }
  }

  /**
   * Claims {@code key} for this member, or waits for the member that holds the claim. A member that cannot serve its
   * large blobs to the others (no {@link Sharing}) takes no claim, since they would wait for it for nothing; it
   * still waits for another member's claim, and then takes the blob from that member.
   */
  @Override
  public Optional<Claim> claim(BlobKey key) throws IOException {
    return sharing.isPresent() ? claims.claim(key) : claims.follow(key);
  }

  /** Registers the cache's counters: inline hits and misses, peer reads and bytes, dropped locations, claim waits. */
  public void bindTo(MeterRegistry registry) {
    inline.bindTo(registry);
    FunctionCounter.builder("apkofarm.cache.peer.reads", peerHits, AtomicLong::get)
        .description("Large cached blobs streamed from another member's disk").register(registry);
    FunctionCounter.builder("apkofarm.cache.peer.bytes", peerBytes, AtomicLong::get)
        .description("Bytes of cached blobs streamed from other members").register(registry);
    FunctionCounter.builder("apkofarm.cache.locations.dropped", staleLocations, AtomicLong::get)
        .description("Locations removed: member gone, unreachable, or wrong bytes").register(registry);
    FunctionCounter.builder("apkofarm.cache.claims.waited", claims, HazelcastFetchClaims::waits)
        .description("Fetches that waited for another member fetching the same blob").register(registry);
  }

  /** Large blobs read from other members so far. */
  public long peerReads() {
    return peerHits.get();
  }

  /** Claims this member waited for so far (another member was fetching the same blob). */
  public long claimsWaited() {
    return claims.waits();
  }

  /** Stops renewing and waiting for claims; the member, the service and the peer channels are the caller's. */
  @Override
  public void close() {
    claims.close();
  }

  /** Counts the bytes read from peers. */
  private final class Counting extends java.io.FilterInputStream {
    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        peerBytes.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        peerBytes.addAndGet(n);
      }
      return n;
    }
  }

  @Override
  public String toString() {
    return "the farm's shared cache";
  }
}
