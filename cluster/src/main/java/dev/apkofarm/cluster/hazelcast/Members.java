package dev.apkofarm.cluster.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cluster.Address;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Starts Hazelcast members the farm's way: quiet and fast (no multicast, no auto-detection, no Jet, no phone-home,
 * no join wait), TCP-IP join to explicit members or Kubernetes discovery, and the farm's map settings (bounded
 * package cache, backed-up state), with the {@link CompactSerializers} found on the class path.
 */
public final class Members {
  /** Chunks of cached blobs: bounded by heap, evicted least recently used first. */
  public static final String CACHE_CHUNKS = "apkofarm-cache-chunks";
  /** Metadata of cached blobs (size, chunk count). */
  public static final String CACHE_META = "apkofarm-cache-meta";
  /** Where large cached blobs are: cache key -> locations on members' disks (a multimap). */
  public static final String CACHE_LOCATIONS = "apkofarm-cache-locations";
  /** Who fetches a blob from its origin right now: cache key -> claim (with a time to live). */
  public static final String CACHE_CLAIMS = "apkofarm-cache-claims";
  /** Prefix of the scheduler's state maps (jobs, tasks, results, events). */
  public static final String STATE_PREFIX = "apkofarm-state-";

  private Members() {}

  /** The Hazelcast config for {@code s}. */
  public static Config config(MemberSettings s) {
    Config c = new Config();
    c.setClusterName(s.clusterName());
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A killed worker is a member too: notice it in seconds, not the default minute, so operations on its
    // partitions move to the backups quickly.
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
    c.setProperty("hazelcast.operation.call.timeout.millis", "10000");
    c.getJetConfig().setEnabled(false);
    for (CompactSerializers contributed : ServiceLoader.load(CompactSerializers.class)) {
      contributed.serializers().forEach(c.getSerializationConfig().getCompactSerializationConfig()::addSerializer);
    }

    NetworkConfig net = c.getNetworkConfig();
    if (s.port() == MemberSettings.FIRST_FREE) {
      net.setPort(5701).setPortAutoIncrement(true).setPortCount(100);
    } else {
      net.setPort(s.port()).setPortAutoIncrement(false); // 0: the system picks one when the member binds
    }
    if (s.publicHost() != null) {
      net.setPublicAddress(s.publicHost());
    }
    net.getInterfaces().setEnabled(!"0.0.0.0".equals(s.bindHost())).addInterface(s.bindHost());
    if ("127.0.0.1".equals(s.bindHost())) {
      c.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    }
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (s.kubernetesServiceDns() != null) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", s.kubernetesServiceDns());
    } else {
      // A known member that is gone (a restarted coordinator's list names dead workers too) costs this long at most.
      join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(s.members())).setConnectionTimeoutSeconds(2);
    }

    c.addMapConfig(new MapConfig(CACHE_CHUNKS)
        .setBackupCount(0) // a cache: a lost entry is refetched, so no backup is worth its memory
        .setEvictionConfig(new EvictionConfig()
            .setEvictionPolicy(EvictionPolicy.LRU)
            .setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE)
            .setSize(s.cacheMaxMib())));
    c.addMapConfig(new MapConfig(CACHE_META)
        .setBackupCount(0)
        .setEvictionConfig(new EvictionConfig()
            .setEvictionPolicy(EvictionPolicy.LRU)
            .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
            .setSize(200_000)));
    // Small entries, each worth keeping through one member's loss: a lost location or claim costs a second fetch.
    c.addMultiMapConfig(new MultiMapConfig(CACHE_LOCATIONS).setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    c.addMapConfig(new MapConfig(CACHE_CLAIMS).setBackupCount(1));
    // Two synchronous backups: the state survives the coordinator and a worker dying at once (a coordinator killed
    // and a worker lost while it restarts), with a write confirmed only once three members hold it.
    c.addMapConfig(new MapConfig(STATE_PREFIX + "*").setBackupCount(2));
    return c;
  }

  /** Starts a member (joining {@code s.members()} if any). */
  public static HazelcastInstance start(MemberSettings s) {
    return Hazelcast.newHazelcastInstance(config(s));
  }

  /** host:port at which other members reach {@code member}. */
  public static String address(HazelcastInstance member) {
    Address a = member.getCluster().getLocalMember().getAddress();
    return a.getHost() + ":" + a.getPort();
  }

  /** The port other members reach {@code member} at (the one it bound, unless a public address says otherwise). */
  public static int port(HazelcastInstance member) {
    return member.getCluster().getLocalMember().getAddress().getPort();
  }

  /** host:port of every member of the cluster {@code member} is in. */
  public static List<String> addresses(HazelcastInstance member) {
    List<String> out = new ArrayList<>();
    member.getCluster().getMembers().forEach(m -> out.add(m.getAddress().getHost() + ":" + m.getAddress().getPort()));
    return out;
  }
}
