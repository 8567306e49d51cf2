package dev.apkofarm.cluster.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.blobs.PeerBlobService;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.FetchClaims;
import dev.apkofarm.core.cache.LocalBlob;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.Await;
import io.grpc.Server;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Hazelcast members on loopback, each with a real peer blob service over gRPC: small blobs inline, large ones
 * streamed from the disk of the member that offered them and checked on the way, stale and lying locations dropped,
 * and claims that let one member fetch while the others wait, and that lapse with a dead holder.
 */
class FarmBlobCacheTest {
  /** A small inline limit keeps the test's blobs small. */
  private static final long LIMIT = 64 * 1024;

  @TempDir Path tmp;

  private final List<AutoCloseable> closing = new ArrayList<>();
  private String cluster;
  private HazelcastInstance first;

  /** A member of the test's cluster with its own peer blob service. */
  private record Node(HazelcastInstance member, PeerBlobService service, FarmBlobCache cache) {}

  @BeforeEach
  void cluster() {
    cluster = "farm-cache-test-" + UUID.randomUUID();
    first = Members.start(MemberSettings.loopback(cluster, List.of()));
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    first.shutdown();
  }

  private Node node(HazelcastInstance member) throws IOException {
    PeerBlobService service = new PeerBlobService();
    Server server = Transport.server("127.0.0.1", 0, Transport.Security.plaintextLoopback(),
        List.of(service.bindService()));
    closing.add(server::shutdownNow);
    PeerReads peers = new PeerReads(Transport.Security.plaintextLoopback());
    closing.add(peers);
    FarmBlobCache cache = new FarmBlobCache(member, LIMIT,
        Optional.of(new FarmBlobCache.Sharing(service, "127.0.0.1:" + server.getPort())), peers);
    closing.add(cache);
    return new Node(member, service, cache);
  }

  private HazelcastInstance joiner() {
    HazelcastInstance m = Members.start(MemberSettings.loopback(cluster, List.of(Members.address(first))));
    closing.add(m::shutdown);
    return m;
  }

  private LocalBlob file(String name, int size, long seed) throws IOException {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    Path f = Files.write(tmp.resolve(name), b);
    return new LocalBlob(f, Digest.of(b), size);
  }

  private static byte[] read(Optional<InputStream> in) throws IOException {
    try (InputStream s = in.orElseThrow()) {
      return s.readAllBytes();
    }
  }

  private static BlobKey key(int n) {
    return new BlobKey("apk:" + String.valueOf(n).repeat(40).substring(0, 40));
  }

  @Test
  void aLargeBlobStreamsFromTheDiskOfTheMemberThatOfferedItAndNeverEntersHazelcast() throws Exception {
    Node holder = node(first);
    Node reader = node(joiner());
    LocalBlob blob = file("large", 3 * 1024 * 1024 + 17, 1);

    holder.cache().offer(key(1), blob);

    assertThat(read(reader.cache().open(key(1)))).isEqualTo(Files.readAllBytes(blob.file()));
    assertThat(holder.service().bytesSent()).isEqualTo(blob.size());
    assertThat(reader.cache().peerReads()).isEqualTo(1);
    assertThat(first.getMap(Members.CACHE_CHUNKS).size()).isZero();
    assertThat(first.getMultiMap(Members.CACHE_LOCATIONS).get(key(1).value())).hasSize(1);
  }

  @Test
  void aSmallBlobIsKeptInHazelcastAndGetsNoLocation() throws Exception {
    Node holder = node(first);
    Node reader = node(joiner());
    LocalBlob blob = file("small", (int) LIMIT, 2);

    holder.cache().offer(key(2), blob);

    assertThat(read(reader.cache().open(key(2)))).isEqualTo(Files.readAllBytes(blob.file()));
    assertThat(holder.service().bytesSent()).isZero();
    assertThat(first.getMultiMap(Members.CACHE_LOCATIONS).get(key(2).value())).isEmpty();
  }

  @Test
  void aPeerWhoseFileChangedUnderItIsCaughtByTheReaderAndItsLocationDropped() throws Exception {
    Node holder = node(first);
    Node reader = node(joiner());
    LocalBlob blob = file("poisoned", 300_000, 3);
    holder.cache().offer(key(3), blob);
    byte[] changed = Files.readAllBytes(blob.file());
    changed[150_000] ^= 0x5a;
    Files.write(blob.file(), changed);

    try (InputStream in = reader.cache().open(key(3)).orElseThrow()) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("digest");
    }

    assertThat(first.getMultiMap(Members.CACHE_LOCATIONS).get(key(3).value())).isEmpty();
    assertThat(reader.cache().open(key(3))).isEmpty();
  }

  @Test
  void theLocationOfAMemberThatLeftIsDroppedInsteadOfDialled() throws Exception {
    Node reader = node(first);
    HazelcastInstance leaving = joiner();
    Node holder = node(leaving);
    holder.cache().offer(key(4), file("gone", 200_000, 4));
    assertThat(first.getMultiMap(Members.CACHE_LOCATIONS).get(key(4).value())).hasSize(1);

    leaving.shutdown();
    Await.until(Duration.ofSeconds(30), "the member to have left", () -> first.getCluster().getMembers().size() == 1);

    assertThat(reader.cache().open(key(4))).isEmpty();
    assertThat(holder.service().bytesSent()).isZero(); // its service still runs here, but was not asked
    assertThat(first.getMultiMap(Members.CACHE_LOCATIONS).get(key(4).value())).isEmpty();
  }

  @Test
  void aSecondClaimWaitsUntilTheFirstEndsAndThenLooksAgain() throws Exception {
    Node a = node(first);
    Node b = node(joiner());
    FetchClaims.Claim held = a.cache().claim(key(5)).orElseThrow();

    CompletableFuture<Optional<FetchClaims.Claim>> waiting = CompletableFuture.supplyAsync(() -> claim(b, key(5)));
    Await.until(Duration.ofSeconds(30), "the second claim to wait",
        () -> b.cache().claimsWaited() == 1);
    assertThat(waiting).isNotDone();
    held.close();

    assertThat(waiting.get(30, TimeUnit.SECONDS)).isEmpty();
    try (FetchClaims.Claim mine = b.cache().claim(key(5)).orElseThrow()) {
      assertThat(first.getMap(Members.CACHE_CLAIMS).get(key(5).value())).isNotNull();
    }
    assertThat(first.getMap(Members.CACHE_CLAIMS).get(key(5).value())).isNull();
  }

  @Test
  void aMemberThatCannotShareTakesNoClaimButWaitsForTheClaimOfOneThatCan() throws Exception {
    Node sharing = node(first);
    HazelcastInstance other = joiner();
    PeerReads peers = new PeerReads(Transport.Security.plaintextLoopback());
    closing.add(peers);
    FarmBlobCache unshared = new FarmBlobCache(other, LIMIT, Optional.empty(), peers);
    closing.add(unshared);

    try (FetchClaims.Claim free = unshared.claim(key(8)).orElseThrow()) {
      assertThat(first.getMap(Members.CACHE_CLAIMS).get(key(8).value())).isNull(); // nobody waits for it
    }
    FetchClaims.Claim held = sharing.cache().claim(key(9)).orElseThrow();
    CompletableFuture<Optional<FetchClaims.Claim>> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return unshared.claim(key(9));
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    Await.until(Duration.ofSeconds(30), "the member without sharing to wait", () -> unshared.claimsWaited() == 1);
    assertThat(waiting).isNotDone();
    held.close();

    assertThat(waiting.get(30, TimeUnit.SECONDS)).isEmpty(); // look again: the blob is shared by now
  }

  @Test
  void theClaimOfAMemberThatDiedDoesNotBlockTheOthers() throws Exception {
    Node waiter = node(first);
    HazelcastInstance doomed = joiner();
    node(doomed).cache().claim(key(6)).orElseThrow(); // never closed: its holder dies

    CompletableFuture<Optional<FetchClaims.Claim>> waiting = CompletableFuture.supplyAsync(() -> claim(waiter, key(6)));
    Await.until(Duration.ofSeconds(30), "the claim to be waited for",
        () -> waiter.cache().claimsWaited() == 1);
    doomed.getLifecycleService().terminate();

    assertThat(waiting.get(60, TimeUnit.SECONDS)).isEmpty();
    assertThat(waiter.cache().claim(key(6))).isPresent();
  }

  @Test
  void aClaimItsHolderStoppedRenewingLapsesWithItsTimeToLive() throws Exception {
    HazelcastFetchClaims hung = new HazelcastFetchClaims(joiner(), Duration.ofSeconds(2));
    hung.claim(key(7)).orElseThrow();
    hung.close(); // stops renewing; the member lives on
    HazelcastFetchClaims waiter = new HazelcastFetchClaims(first, Duration.ofSeconds(2));
    closing.add(waiter);

    assertThat(waiter.claim(key(7))).isEmpty(); // returns once the entry ran out
    assertThat(waiter.claim(key(7))).isPresent();
  }

  private static Optional<FetchClaims.Claim> claim(Node n, BlobKey key) {
    try {
      return n.cache().claim(key);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void aRestartedMemberSharesTheLargePackagesOnItsDiskAgain() throws Exception {
    Path disk = Files.createDirectories(tmp.resolve("disk-cache"));
    byte[] large = new byte[2 * 1024 * 1024 + 3];
    new Random(5).nextBytes(large);
    Files.write(disk.resolve(key(5).value()), large);
    Files.write(disk.resolve(key(6).value()), new byte[100]); // small: the inline tier refills itself
    Files.write(disk.resolve(".put-123.tmp"), large); // a temp file: no cache entry
    Node restarted = node(first);
    Node reader = node(joiner());

    assertThat(restarted.cache().reannounce(disk)).isEqualTo(1);

    assertThat(read(reader.cache().open(key(5)))).isEqualTo(large);
    assertThat(restarted.service().bytesSent()).isEqualTo(large.length);
    assertThat(reader.cache().contains(key(6))).isFalse();
  }
}
