package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.PartitionService;
import dev.apkofarm.cluster.blobs.PeerBlobService;
import dev.apkofarm.cluster.cache.FarmBlobCache;
import dev.apkofarm.cluster.cache.PeerReads;
import dev.apkofarm.cluster.hazelcast.KnownMembers;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.state.ClusterBackend;
import dev.apkofarm.coordinator.state.ClusterState;
import dev.apkofarm.core.cache.SharedCache;
import dev.apkofarm.proto.v1.ClusterInfo;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's {@link ClusterBackend}: a Hazelcast member, the cluster state in its maps
 * ({@link HazelcastClusterState}), the farm's package cache on it ({@link FarmBlobCache}: the coordinator keeps
 * the small packages clients ship inline and fetches nothing, so it takes no claim and serves no large blob), and
 * the member addresses a worker is told to join.
 */
public final class HazelcastBackend implements ClusterBackend {
  private static final Logger log = LoggerFactory.getLogger(HazelcastBackend.class);

  private final HazelcastInstance member;
  private final boolean ownsMember;
  private final String clusterName;
  private final HazelcastClusterState state;
  private final PeerReads peers;
  private final FarmBlobCache cache;

  private HazelcastBackend(HazelcastInstance member, boolean ownsMember, String clusterName,
      Transport.Security security) {
    this.member = member;
    this.ownsMember = ownsMember;
    this.clusterName = clusterName;
    PeerReads p = new PeerReads(PeerBlobService.security(security));
    try {
      this.state = new HazelcastClusterState(member);
      this.cache = new FarmBlobCache(member, Optional.empty(), p);
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    this.peers = p;
  }

  /**
   * Starts the coordinator's own member, which it shuts down on {@link #close}. After a restart it joins the members
   * that survived this coordinator (they hold the farm's state), listed in {@code dataDir/cluster-members}, instead
   * of forming a cluster of one; Kubernetes discovery finds them by itself.
   *
   * @param security the coordinator's transport security (peer reads take their TLS and token from it)
   */
  public static HazelcastBackend start(MemberSettings settings, Path dataDir, Transport.Security security) {
    KnownMembers known = new KnownMembers(dataDir.resolve("cluster-members"));
    MemberSettings s = settings.kubernetesServiceDns() != null ? settings
        : settings.withMembers(known.plus(settings.members()));
    HazelcastInstance member = Members.start(s);
    try {
      known.follow(member);
      awaitSafe(member, SAFE_WITHIN);
      return new HazelcastBackend(member, true, settings.clusterName(), security);
    } catch (RuntimeException e) {
      member.shutdown();
      throw e;
    }
  }

  /** How long a starting coordinator waits at most for the cluster's partitions to settle before it recovers. */
  static final Duration SAFE_WITHIN = Duration.ofMinutes(2);

  /**
   * Waits until the cluster is safe: every partition has an owner that is a member now and its backups in sync, no
   * migration under way.
   * A coordinator restarted with the address of the member it replaces joins while the survivors still list that
   * member; the partition table then changes under it, and recovery, which reads every job, could miss some (seen
   * once in the compose drill: the restarted coordinator recovered no job and left its queued tasks queued). Gives
   * up, saying so, after {@code within}: recovering late is worse than recovering from what is readable.
   */
  static void awaitSafe(HazelcastInstance member, Duration within) {
    PartitionService partitions = member.getPartitionService();
    long deadline = System.nanoTime() + within.toNanos();
    while (!partitions.isClusterSafe() || !ownedByMembers(member)) {
      if (System.nanoTime() - deadline > 0) {
        log.warn("the cluster's partitions did not settle in {}; recovering from what is readable", within);
        return;
      }
      try {
        Thread.sleep(100); // polled: Hazelcast tells of migrations, not of replicas coming into sync
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Whether every partition's owner is a member of the cluster now. The member this coordinator replaces had the same
   * address; while a partition table still names it (by its old identity), reads of its partitions are routed here,
   * to a member that holds none of their data.
   */
  private static boolean ownedByMembers(HazelcastInstance member) {
    java.util.Set<java.util.UUID> members = new java.util.HashSet<>();
    member.getCluster().getMembers().forEach(m -> members.add(m.getUuid()));
    for (com.hazelcast.partition.Partition p : member.getPartitionService().getPartitions()) {
      if (p.getOwner() == null || !members.contains(p.getOwner().getUuid())) {
        return false;
      }
    }
    return true;
  }

  /** On a member someone else started and shuts down (tests' farms, whose workers join it). */
  public static HazelcastBackend on(HazelcastInstance member, String clusterName, Transport.Security security) {
    return new HazelcastBackend(member, false, clusterName, security);
  }

  public HazelcastInstance member() {
    return member;
  }

  @Override
  public ClusterState state() {
    return state;
  }

  @Override
  public SharedCache cache() {
    return cache;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    cache.bindTo(registry);
  }

  @Override
  public ClusterInfo clusterInfo() {
    return ClusterInfo.newBuilder().setClusterName(clusterName).addAllMembers(Members.addresses(member)).build();
  }

  @Override
  public String describe() {
    return "hazelcast member " + Members.address(member) + " in cluster \"" + clusterName + "\"";
  }

  @Override
  public void close() {
    cache.close();
    peers.close();
    if (ownsMember) {
      member.shutdown();
    }
  }
}
