package dev.apkofarm.cluster.cli;

import dev.apkofarm.cluster.hazelcast.MemberSettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How a daemon joins the farm's Hazelcast cluster. */
public final class HazelcastOptions {
  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "apko-farm",
      description = "Hazelcast cluster name (default: ${DEFAULT-VALUE}).")
  String clusterName;

  @Option(names = "--hazelcast-host", paramLabel = "ADDR",
      description = "Interface the Hazelcast member listens on (default: 127.0.0.1 when the farm is on loopback,"
          + " else 0.0.0.0).")
  String host;

  @Option(names = "--hazelcast-port", paramLabel = "PORT",
      description = "Hazelcast member port; 0 = any free port, see --ready-file (default: the first free from 5701).")
  Integer port;

  @Option(names = "--hazelcast-public-address", paramLabel = "HOST",
      description = "The address other members reach this one at (containers, NAT).")
  String publicAddress;

  @Option(names = "--hazelcast-members", paramLabel = "HOST:PORT", split = ",",
      description = "Members to join by TCP-IP (a worker learns them from the coordinator when omitted).")
  List<String> members = new ArrayList<>();

  @Option(names = "--kubernetes-service-dns", paramLabel = "NAME",
      description = "Discover members through this headless Kubernetes service instead of TCP-IP.")
  String kubernetesServiceDns;

  @Option(names = "--cache-size-mib", paramLabel = "MIB", defaultValue = "64",
      description = "Heap each member gives the small packages of the shared cache (up to 1 MiB each; larger ones stay"
          + " on workers' disks) before evicting (default: ${DEFAULT-VALUE}).")
  int cacheMib;

  /** The member settings, listening on loopback when {@code loopback} and no host was given. */
  public MemberSettings settings(boolean loopback) {
    String bind = host != null ? host : loopback ? "127.0.0.1" : "0.0.0.0";
    String pub = publicAddress != null ? publicAddress : loopback ? "127.0.0.1" : null;
    return new MemberSettings(clusterName, bind, pub, port != null ? port : MemberSettings.FIRST_FREE, members,
        kubernetesServiceDns, cacheMib);
  }
}
