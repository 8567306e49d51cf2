package dev.apkofarm.bench;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.blobs.PeerBlobService;
import dev.apkofarm.cluster.cache.FarmBlobCache;
import dev.apkofarm.cluster.cache.PeerReads;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.LocalBlob;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.Digest;
import io.grpc.Server;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * The measurement behind the farm's inline limit (docs/farm.md): how long one member takes to read a cached blob of
 * each size that another member put there, through Hazelcast (the inline tier: one map entry per 4 MiB) and through
 * the location index and the holder's peer blob service (gRPC from its disk, checked against its sha256), two members
 * in this JVM over loopback. Hazelcast's copy also costs its owner that many bytes of heap, the peer's none. Prints
 * the median of many reads per size; run by scripts/bench-farm-large.
 */
public final class SharedCacheTransfer {
  private SharedCacheTransfer() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("hazelcast.logging.type", "none");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    String cluster = "cache-transfer-" + UUID.randomUUID();
    HazelcastInstance holder = Members.start(MemberSettings.loopback(cluster, List.of()));
    HazelcastInstance reader = Members.start(MemberSettings.loopback(cluster, List.of(Members.address(holder))));
    PeerBlobService service = new PeerBlobService();
    Server server = Transport.server("127.0.0.1", 0, Transport.Security.plaintextLoopback(),
        List.of(service.bindService()));
    FarmBlobCache.Sharing sharing = new FarmBlobCache.Sharing(service, "127.0.0.1:" + server.getPort());
    try (TemporaryDirectory dir = TemporaryDirectory.create("cache-transfer");
        PeerReads peers = new PeerReads(Transport.Security.plaintextLoopback());
        PeerReads readerPeers = new PeerReads(Transport.Security.plaintextLoopback());
        // Everything inline, or nothing: the two ways a blob of the same size can travel.
        FarmBlobCache inlineWriter = new FarmBlobCache(holder, Long.MAX_VALUE, Optional.of(sharing), peers);
        FarmBlobCache inlineReader = new FarmBlobCache(reader, Long.MAX_VALUE, Optional.empty(), readerPeers);
        FarmBlobCache peerWriter = new FarmBlobCache(holder, -1, Optional.of(sharing), peers);
        FarmBlobCache peerReader = new FarmBlobCache(reader, -1, Optional.empty(), readerPeers)) {
      System.out.printf("%10s %14s %14s %8s%n", "size", "inline (ms)", "peer (ms)", "peer/inline");
      int n = 0;
      for (int size : new int[] {16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20}) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Path file = Files.write(dir.path().resolve("blob-" + size), bytes);
        LocalBlob blob = new LocalBlob(file, Digest.of(bytes), size);
        BlobKey inlineKey = new BlobKey("apk:inline" + n);
        BlobKey peerKey = new BlobKey("apk:peer" + n++);
        inlineWriter.offer(inlineKey, blob);
        peerWriter.offer(peerKey, blob);
        int reads = Math.max(20, Math.min(400, (64 << 20) / size));
        double inline = median(inlineReader, inlineKey, reads, size);
        double peer = median(peerReader, peerKey, reads, size);
        System.out.printf("%10s %14.3f %14.3f %8.2f%n", (size >= 1 << 20 ? (size >> 20) + " MiB" : (size >> 10)
            + " KiB"), inline, peer, peer / inline);
      }
    } finally {
      server.shutdownNow();
      reader.shutdown();
      holder.shutdown();
    }
  }

  /** The median time of {@code reads} reads of {@code key} (after as many to warm up), in ms. */
  private static double median(FarmBlobCache cache, BlobKey key, int reads, int size) throws Exception {
    double[] ms = new double[reads];
    for (int i = -reads; i < reads; i++) {
      long start = System.nanoTime();
      long got;
      try (InputStream in = cache.open(key).orElseThrow()) {
        got = in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      if (got != size) {
        throw new IllegalStateException("read " + got + " of " + size + " bytes of " + key);
      }
      if (i >= 0) {
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(ms);
    return ms[reads / 2];
  }
}
