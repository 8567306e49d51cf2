package dev.apkofarm.cluster.cache;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.cache.FetchClaims;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FetchClaims} in a Hazelcast map shared by the farm: a claim is an entry {@code key -> "<member uuid>
 * <claim id>"} put only if absent, with a time to live that its holder renews while it fetches. Whoever finds the
 * entry waits until it is removed (its holder shared the blob, or failed), woken by the map's events and looking
 * again at least every second. A claim never blocks for long after its holder died: a holder whose member left the
 * cluster loses its claim at once (the waiter removes it), and a holder that stopped renewing loses it when its time
 * to live runs out.
 */
public final class HazelcastFetchClaims implements FetchClaims, AutoCloseable {
  /** How long a claim lives unless renewed. */
  static final Duration TTL = Duration.ofSeconds(20);
  private static final Duration RECHECK = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(HazelcastFetchClaims.class);

  private final HazelcastInstance member;
  private final IMap<String, String> claims;
  private final Duration ttl;
  private final ConcurrentHashMap<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
  private final ScheduledExecutorService renewals;
  private final UUID listener;
  private final AtomicLong waits = new AtomicLong();
  private final AtomicLong takenOver = new AtomicLong();

  public HazelcastFetchClaims(HazelcastInstance member) {
    this(member, TTL);
  }

  HazelcastFetchClaims(HazelcastInstance member, Duration ttl) {
    this.member = member;
    this.claims = member.getMap(Members.CACHE_CLAIMS);
    this.ttl = ttl;
    this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fetch-claims");
      t.setDaemon(true);
      return t;
    });
    this.listener = claims.addEntryListener(new Ended(), false);
  }

  /** How many claims were waited for. */
  public long waits() {
    return waits.get();
  }

  /** How many claims of members that had left the cluster were taken over. */
  public long takenOver() {
    return takenOver.get();
  }

  @Override
  public Optional<Claim> claim(BlobKey key) throws IOException {
    String k = key.value();
    String mine = member.getCluster().getLocalMember().getUuid() + " " + UUID.randomUUID();
    String holder = claims.putIfAbsent(k, mine, ttl.toMillis(), TimeUnit.MILLISECONDS);
    if (holder == null) {
      return Optional.of(held(k, mine));
    }
    return awaitEnd(key, holder);
  }

  /**
   * Like {@link #claim} for a member that cannot share what it fetches (no peer blob service): waits for another
   * member's claim on {@code key} if there is one (empty: look in the tiers again), else lets the caller fetch
   * without taking a claim, so that nobody waits for a fetch that will not be shared with them.
   */
  public Optional<Claim> follow(BlobKey key) throws IOException {
    String holder = claims.get(key.value());
    return holder == null ? Optional.of(() -> { }) : awaitEnd(key, holder);
  }

  /** Waits until {@code holder}'s claim on {@code key} ended (released, lapsed, or its member left); then empty. */
  private Optional<Claim> awaitEnd(BlobKey key, String holder) throws IOException {
    String k = key.value();
    waits.incrementAndGet();
    log.debug("{} is being fetched by {}: waiting", key, holder);
    while (true) {
      CompletableFuture<Void> ended = waiting.computeIfAbsent(k, x -> new CompletableFuture<>());
      String now = claims.get(k);
      if (now == null || !now.equals(holder)) {
        return Optional.empty(); // that claim ended (whoever holds one now, the blob may be shared already)
      }
      if (!alive(holder)) {
        if (claims.remove(k, holder)) {
          takenOver.incrementAndGet();
          log.info("{}: the claim of {} lapsed with its member; fetching it here", key, holder);
        }
        return Optional.empty();
      }
      try {
        ended.get(RECHECK.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // look again: an event can be missed, and a time to live runs out without one on some members
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for " + key + " to be fetched by " + holder);
      }
    }
  }

  /** A granted claim: renewed until closed, then removed (if still ours), which wakes the waiters. */
  private Claim held(String key, String mine) {
    long every = Math.max(1, ttl.toMillis() / 3);
    ScheduledFuture<?> renewal = renewals.scheduleWithFixedDelay(() -> {
      try {
        claims.setTtl(key, ttl.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        log.debug("could not renew the claim on {}: {}", key, e.getMessage());
      }
    }, every, every, TimeUnit.MILLISECONDS);
    return () -> {
      renewal.cancel(false);
      try {
        claims.remove(key, mine);
      } catch (RuntimeException e) {
        log.debug("could not release the claim on {}: {}", key, e.getMessage()); // it lapses with its time to live
      }
    };
  }

  /** Whether the member that made claim {@code value} is still in the cluster. */
  private boolean alive(String value) {
    String uuid = value.substring(0, value.indexOf(' '));
    for (Member m : member.getCluster().getMembers()) {
      if (m.getUuid().toString().equals(uuid)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    renewals.shutdownNow();
    try {
      claims.removeEntryListener(listener);
    } catch (RuntimeException e) {
      // the member is shutting down
    }
    waiting.values().forEach(f -> f.complete(null));
  }

  /** Wakes whoever waits for a claim that was removed, evicted or ran out. */
  private final class Ended implements EntryRemovedListener<String, String>, EntryExpiredListener<String, String>,
      EntryEvictedListener<String, String> {
    private void ended(EntryEvent<String, String> e) {
      CompletableFuture<Void> f = waiting.remove(e.getKey());
      if (f != null) {
        f.complete(null);
      }
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      ended(e);
    }

    @Override
    public void entryExpired(EntryEvent<String, String> e) {
      ended(e);
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> e) {
      ended(e);
    }
  }
}
