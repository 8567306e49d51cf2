package dev.apkofarm.cluster.hazelcast;

import java.util.List;
import java.util.Objects;

/**
 * How a process joins the farm's Hazelcast cluster.
 *
 * @param clusterName members with another name never join
 * @param bindHost the interface to listen on, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param publicHost the address other members reach this one at (null = Hazelcast picks)
 * @param port the member port; {@link #FIRST_FREE} = the first free one from 5701 up (Hazelcast's convention, one
 *     range to open in a firewall); 0 = any free port the system picks ({@link Members#address} tells which)
 * @param members host:port of members to join by TCP-IP (empty = start alone, or Kubernetes discovery)
 * @param kubernetesServiceDns when set, discover members through this headless service instead of TCP-IP
 * @param cacheMaxMib the heap each member gives the package cache before evicting (least recently used first)
 */
public record MemberSettings(
    String clusterName,
    String bindHost,
    String publicHost,
    int port,
    List<String> members,
    String kubernetesServiceDns,
    int cacheMaxMib) {
  /** {@code port}: the first free port from 5701 up. */
  public static final int FIRST_FREE = -1;

  public MemberSettings {
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(bindHost, "bindHost");
    members = List.copyOf(members);
    if (port < FIRST_FREE || port > 65535) {
      throw new IllegalArgumentException("hazelcast port " + port + " is not a port");
    }
    if (cacheMaxMib < 1) {
      throw new IllegalArgumentException("cache size must be at least 1 MiB, got " + cacheMaxMib);
    }
  }

  /**
   * A member on loopback on a port the system picks: the embedded farm and tests. Never a pre-picked or guessed
   * port, so members of processes started at once cannot race for one; others learn the port from the member.
   */
  public static MemberSettings loopback(String clusterName, List<String> members) {
    return new MemberSettings(clusterName, "127.0.0.1", "127.0.0.1", 0, members, null, 64);
  }

  public MemberSettings withMembers(List<String> m) {
    return new MemberSettings(clusterName, bindHost, publicHost, port, m, kubernetesServiceDns, cacheMaxMib);
  }

  public MemberSettings withClusterName(String name) {
    return new MemberSettings(name, bindHost, publicHost, port, members, kubernetesServiceDns, cacheMaxMib);
  }
}
