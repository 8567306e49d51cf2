package dev.apkofarm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.deploy.Manifests.Manifest;
import dev.apkofarm.deploy.Manifests.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/kubernetes/} read with fabric8's Kubernetes model, the containers' command lines with the daemons'
 * own option parsers, and every reference between them checked: names, ports, selectors, secrets, volumes, grace
 * periods and the image they run. Nothing here needs a cluster; what only a cluster can show is listed in
 * deploy/README.md.
 */
class KubernetesManifestsTest {
  private static final Path DEPLOY = Path.of(System.getProperty("apkofarm.deploy", ".")).toAbsolutePath().normalize();
  private static final String CLUSTER_DOMAIN = "svc.cluster.local";
  // `kubectl -n NS create secret generic NAME ... --from-file=KEY=FILE ...` in deploy/README.md.
  private static final Pattern KUBECTL_SECRET =
      Pattern.compile("kubectl -n (\\S+) create secret generic (\\S+)((?: +--from-file=\\S+)+)");
  private static final Pattern FROM_FILE = Pattern.compile("--from-file=([^=\\s]+)=\\S+");

  private static Manifests manifests;

  @BeforeAll
  static void load() throws IOException {
    manifests = Manifests.load(DEPLOY.resolve("kubernetes"));
  }

  @Test
  void everyManifestIsAKubernetesObjectWithoutUnknownFields() {
    assertThat(manifests.all()).isNotEmpty();
    for (Manifest m : manifests.all()) {
      assertThat(Manifests.unknownFields(m.object())).as("fields the model does not know in %s", m.describe())
          .isEmpty();
    }
    assertThat(manifests.workloads()).extracting(Workload::name)
        .containsExactlyInAnyOrder("apko-farm-coordinator", "apko-farm-worker-amd64", "apko-farm-worker-arm64");
  }

  @Test
  void kustomizationListsEveryManifestAndNothingElse() throws IOException {
    Set<String> listed = new TreeSet<>();
    manifests.kustomization().path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> files = new TreeSet<>();
    for (Path f : Manifests.yamlFiles(manifests.dir())) {
      files.add(f.getFileName().toString());
    }
    files.remove(Manifests.KUSTOMIZATION);
    assertThat(listed).isEqualTo(files);
  }

  @Test
  void everyObjectLivesInTheNamespaceTheManifestsCreate() {
    List<Namespace> namespaces = manifests.of(Namespace.class);
    assertThat(namespaces).hasSize(1);
    String ns = namespaces.get(0).getMetadata().getName();
    for (Manifest m : manifests.all()) {
      if (!(m.object() instanceof Namespace)) {
        assertThat(m.object().getMetadata().getNamespace()).as("namespace of %s", m.describe()).isEqualTo(ns);
      }
    }
    assertThat(readme()).contains("kubectl apply -f deploy/kubernetes/namespace.yaml");
  }

  @Test
  void everyContainerRunsAFarmDaemonWithOptionsItHas() {
    for (Workload w : manifests.workloads()) {
      for (Container c : w.template().getSpec().getContainers()) {
        DaemonCommand d = DaemonCommand.of(c); // throws, naming the option, for one the daemon does not have
        assertThat(d.daemon()).as(w.name()).isEqualTo(w.name().contains("worker") ? "apko-worker" : "apko-coordinator");
      }
    }
  }

  @Test
  void selectorsMatchTheirOwnPodsAndNoOtherWorkloads() {
    List<Workload> all = manifests.workloads();
    for (Workload w : all) {
      assertThat(w.selector().getMatchExpressions()).as(w.name()).isNullOrEmpty();
      Map<String, String> selector = w.selector().getMatchLabels();
      assertThat(selector).as("selector of %s", w.name()).isNotEmpty();
      assertThat(w.podLabels()).as("pod labels of %s", w.name()).containsAllEntriesOf(selector);
      for (Workload other : all) {
        if (other != w) {
          assertThat(selects(selector, other.podLabels()))
              .as("%s's selector also selects the pods of %s", w.name(), other.name()).isFalse();
        }
      }
    }
  }

  @Test
  void servicesSelectPodsThatServeTheirPorts() {
    for (Service s : manifests.of(Service.class)) {
      List<Workload> selected = selectedBy(s);
      assertThat(selected).as("workloads service %s selects", name(s)).isNotEmpty();
      for (Workload w : selected) {
        for (ServicePort p : s.getSpec().getPorts()) {
          IntOrString target = p.getTargetPort() != null ? p.getTargetPort() : new IntOrString(p.getPort());
          assertThat(containerPort(w, target))
              .as("service %s port %s on the pods of %s", name(s), p.getName(), w.name()).isPresent();
        }
      }
    }
  }

  @Test
  void probesAndPortsAreTheOnesTheDaemonsServe() {
    for (Workload w : manifests.workloads()) {
      Container c = onlyContainer(w);
      DaemonCommand d = DaemonCommand.of(c);
      Map<String, Integer> ports = new TreeMap<>();
      for (ContainerPort p : c.getPorts()) {
        ports.put(p.getName(), p.getContainerPort());
      }
      assertThat(ports.get("health")).as("health port of %s", w.name()).isEqualTo(d.<Integer>value("--health-port"));
      assertThat(ports.get("metrics")).as("metrics port of %s", w.name()).isEqualTo(d.<Integer>value("--metrics-port"));
      assertThat(ports.get("hazelcast")).as("hazelcast port of %s", w.name())
          .isEqualTo(Integer.valueOf(d.written("--hazelcast-port").orElseThrow()));
      if (!d.isWorker()) {
        assertThat(ports.get("grpc")).as("gRPC port of %s", w.name()).isEqualTo(d.<Integer>value("--port"));
        assertThat(d.<String>value("--host")).as("coordinator listens beyond loopback").isEqualTo("0.0.0.0");
      }
      for (Probe probe : new Probe[] {c.getReadinessProbe(), c.getLivenessProbe()}) {
        assertThat(probe).as("probes of %s", w.name()).isNotNull();
        assertThat(probe.getGrpc()).as("gRPC health probe of %s", w.name()).isNotNull();
        assertThat(probe.getGrpc().getPort()).as("probe port of %s", w.name()).isEqualTo(ports.get("health"));
      }
      String scrape = w.template().getMetadata().getAnnotations().get("prometheus.io/port");
      assertThat(scrape).as("prometheus.io/port of %s", w.name()).isEqualTo(String.valueOf(ports.get("metrics")));
    }
  }

  @Test
  void membersFindEachOtherThroughTheHeadlessServiceThatSelectsThemAll() {
    for (Workload w : manifests.workloads()) {
      DaemonCommand d = DaemonCommand.of(onlyContainer(w));
      String dns = d.<String>value("--kubernetes-service-dns");
      assertThat(dns).as("--kubernetes-service-dns of %s", w.name()).isNotNull();
      Service headless = serviceByDnsName(dns, w.namespace());
      assertThat(headless.getSpec().getClusterIP()).as("service %s is headless", name(headless)).isEqualTo("None");
      assertThat(headless.getSpec().getPublishNotReadyAddresses())
          .as("members must find each other before they are ready").isTrue();
      assertThat(selectedBy(headless)).as("members service %s selects", name(headless)).contains(w);
      assertThat(headless.getSpec().getPorts()).extracting(ServicePort::getPort)
          .contains(Integer.valueOf(d.written("--hazelcast-port").orElseThrow()));
    }
  }

  @Test
  void workersReachTheCoordinatorThroughItsService() {
    Workload coordinator = coordinator();
    int grpc = DaemonCommand.of(onlyContainer(coordinator)).value("--port");
    for (Workload w : manifests.workloads()) {
      DaemonCommand d = DaemonCommand.of(onlyContainer(w));
      if (!d.isWorker()) {
        continue;
      }
      String address = d.value("--coordinator");
      int colon = address.lastIndexOf(':');
      Service service = serviceByDnsName(address.substring(0, colon), w.namespace());
      assertThat(selectedBy(service)).as("service %s selects", name(service)).containsExactly(coordinator);
      int port = Integer.parseInt(address.substring(colon + 1));
      ServicePort sp = service.getSpec().getPorts().stream().filter(p -> p.getPort() == port).findFirst()
          .orElseThrow(() -> new AssertionError("service " + name(service) + " has no port " + port));
      IntOrString target = sp.getTargetPort() != null ? sp.getTargetPort() : new IntOrString(sp.getPort());
      assertThat(containerPort(coordinator, target).map(ContainerPort::getContainerPort)).contains(grpc);
      assertThat(d.has("--tls-ca")).as("%s verifies the coordinator (TLS)", w.name()).isTrue();
    }
  }

  @Test
  void workersHaveMoreTerminationGraceThanTheirDrainGrace() {
    for (Workload w : manifests.workloads()) {
      DaemonCommand d = DaemonCommand.of(onlyContainer(w));
      if (!d.isWorker()) {
        continue;
      }
      Duration drain = d.value("--drain-grace");
      Long grace = w.template().getSpec().getTerminationGracePeriodSeconds();
      assertThat(grace).as("terminationGracePeriodSeconds of %s", w.name()).isNotNull();
      // The kubelet kills at the end of the grace: the drain and the hand-back after it must fit in.
      assertThat(Duration.ofSeconds(grace)).as("grace of %s vs --drain-grace %s", w.name(), drain)
          .isGreaterThanOrEqualTo(drain.plusSeconds(10));
    }
  }

  @Test
  void coordinatorKeepsItsDataDirOnAPersistentVolumeClaim() {
    Workload coordinator = coordinator();
    assertThat(coordinator.manifest().object()).as("the coordinator's workload").isInstanceOf(StatefulSet.class);
    StatefulSet set = (StatefulSet) coordinator.manifest().object();
    assertThat(coordinator.replicas()).as("one coordinator at a time").isEqualTo(1);
    Service governing = manifests.service(set.getSpec().getServiceName())
        .orElseThrow(() -> new AssertionError("serviceName " + set.getSpec().getServiceName() + " is no service"));
    assertThat(governing.getSpec().getClusterIP()).as("governing service is headless").isEqualTo("None");
    assertThat(selectedBy(governing)).contains(coordinator);

    Container c = onlyContainer(coordinator);
    String dataDir = DaemonCommand.of(c).value("--data-dir").toString();
    VolumeMount mount = mountHolding(c, dataDir)
        .orElseThrow(() -> new AssertionError("--data-dir " + dataDir + " is on no volume: lost with the pod"));
    assertThat(mount.getReadOnly()).as("data volume writable").isNotEqualTo(Boolean.TRUE);
    List<PersistentVolumeClaim> claims = set.getSpec().getVolumeClaimTemplates();
    PersistentVolumeClaim claim = claims.stream().filter(p -> p.getMetadata().getName().equals(mount.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("--data-dir's volume " + mount.getName() + " is no volumeClaimTemplate"));
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getResources().getRequests()).containsKey("storage");
    assertThat(volume(coordinator, mount.getName())).as("pod volume shadowing the claim").isEmpty();
    PodSecurityContext security = coordinator.template().getSpec().getSecurityContext();
    assertThat(security.getFsGroup()).as("fsGroup: a fresh claim is root's, the daemon is not")
        .isEqualTo(security.getRunAsGroup());
  }

  @Test
  void everyPathADaemonIsGivenIsOnAVolumeThatProvidesIt() {
    Map<String, Set<String>> documented = documentedSecrets();
    for (Workload w : manifests.workloads()) {
      Container c = onlyContainer(w);
      List<String> paths = new ArrayList<>(DaemonCommand.of(c).pathValues());
      c.getEnv().stream().filter(e -> Objects.requireNonNullElse(e.getValue(), "").startsWith("/"))
          .forEach(e -> paths.add(e.getValue()));
      for (String path : paths) {
        VolumeMount mount = mountHolding(c, path).orElseThrow(
            () -> new AssertionError(w.name() + ": " + path + " is on no volume of the pod"));
        Optional<Volume> volume = volume(w, mount.getName());
        if (volume.isEmpty() || volume.get().getSecret() == null) {
          continue; // a claim or an emptyDir: written by the daemon
        }
        var secret = volume.get().getSecret();
        String inVolume = path.equals(mount.getMountPath()) ? "" : path.substring(mount.getMountPath().length() + 1);
        if (inVolume.isEmpty()) {
          assertThat(secret.getOptional()).as("%s: the whole secret %s", w.name(), secret.getSecretName()).isTrue();
          continue;
        }
        String key = secret.getItems() == null || secret.getItems().isEmpty()
            ? inVolume
            : secret.getItems().stream().filter(i -> i.getPath().equals(inVolume)).findFirst()
                .orElseThrow(() -> new AssertionError(w.name() + ": " + path + " is no item of secret "
                    + secret.getSecretName()))
                .getKey();
        assertThat(documented.getOrDefault(secret.getSecretName(), Set.of()))
            .as("%s reads %s: key %s of secret %s, as deploy/README.md creates it", w.name(), path, key,
                secret.getSecretName())
            .contains(key);
      }
    }
  }

  @Test
  void everySecretAPodUsesIsCreatedAsDeployReadmeSays() {
    // Secrets hold the operator's token, keys and registry credentials: they are made with kubectl from files that
    // never enter the repository, not generated by the kustomization.
    assertThat(manifests.kustomization().has("secretGenerator")).isFalse();
    Map<String, Set<String>> documented = documentedSecrets();
    for (Workload w : manifests.workloads()) {
      for (Volume v : w.template().getSpec().getVolumes()) {
        if (v.getSecret() != null) {
          String name = v.getSecret().getSecretName();
          assertThat(documented).as("%s uses secret %s", w.name(), name).containsKey(name);
          if (v.getSecret().getItems() != null) {
            v.getSecret().getItems().forEach(i -> assertThat(documented.get(name)).contains(i.getKey()));
          }
        }
      }
      for (Container c : w.template().getSpec().getContainers()) {
        assertThat(c.getEnvFrom()).as("%s: secrets come as files", w.name()).isNullOrEmpty();
        c.getEnv().forEach(e -> assertThat(e.getValueFrom()).as("%s: env %s", w.name(), e.getName()).isNull());
      }
    }
  }

  @Test
  void podsRunTheProjectsImageAsItsUserWithItsDataVolume() throws Exception {
    ImageConfig image = new ConfigLoader(DEPLOY).load("apko-farm.yaml").config();
    long user = Long.parseLong(image.accounts().runAs().orElseThrow());
    String version = System.getProperty("apkofarm.version");
    String dataDir = DaemonCommand.of(onlyContainer(coordinator())).value("--data-dir").toString();
    assertThat(image.volumes()).as("volumes the image declares").containsExactly(dataDir);
    for (Workload w : manifests.workloads()) {
      assertThat(onlyContainer(w).getImage()).as("image of %s", w.name()).isEqualTo("apko-farm:" + version);
      PodSecurityContext security = w.template().getSpec().getSecurityContext();
      assertThat(security.getRunAsNonRoot()).isTrue();
      assertThat(security.getRunAsUser()).as("runAsUser of %s", w.name()).isEqualTo(user);
    }
  }

  // --- helpers ---

  private static String readme() {
    try {
      return Files.readString(DEPLOY.resolve("README.md"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Secret name to keys, from the {@code kubectl create secret} commands of deploy/README.md. */
  private static Map<String, Set<String>> documentedSecrets() {
    Map<String, Set<String>> out = new TreeMap<>();
    Matcher m = KUBECTL_SECRET.matcher(readme().replace("\\\n", " "));
    while (m.find()) {
      Set<String> keys = out.computeIfAbsent(m.group(2), k -> new TreeSet<>());
      Matcher f = FROM_FILE.matcher(m.group(3));
      while (f.find()) {
        keys.add(f.group(1));
      }
    }
    assertThat(out).as("kubectl create secret commands in deploy/README.md").isNotEmpty();
    return out;
  }

  private static Workload coordinator() {
    return manifests.workloads().stream()
        .filter(w -> DaemonCommand.of(onlyContainer(w)).daemon().equals("apko-coordinator"))
        .reduce((a, b) -> fail("more than one coordinator workload: %s, %s", a.name(), b.name()))
        .orElseThrow(() -> new AssertionError("no coordinator workload"));
  }

  private static Container onlyContainer(Workload w) {
    List<Container> containers = w.template().getSpec().getContainers();
    assertThat(containers).as("containers of %s", w.name()).hasSize(1);
    return containers.get(0);
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return labels != null && labels.entrySet().containsAll(selector.entrySet());
  }

  private static List<Workload> selectedBy(Service s) {
    Map<String, String> selector = s.getSpec().getSelector();
    assertThat(selector).as("selector of service %s", name(s)).isNotEmpty();
    return manifests.workloads().stream()
        .filter(w -> w.namespace().equals(s.getMetadata().getNamespace()) && selects(selector, w.podLabels()))
        .toList();
  }

  /** The service a DNS name {@code <service>.<namespace>.svc.cluster.local} names, in the pod's namespace. */
  private static Service serviceByDnsName(String dns, String namespace) {
    String suffix = "." + namespace + "." + CLUSTER_DOMAIN;
    assertThat(dns).as("a service of namespace %s", namespace).endsWith(suffix);
    String name = dns.substring(0, dns.length() - suffix.length());
    return manifests.service(name).orElseThrow(() -> new AssertionError(dns + ": no service " + name));
  }

  private static Optional<ContainerPort> containerPort(Workload w, IntOrString target) {
    return onlyContainer(w).getPorts().stream()
        .filter(p -> target.getIntVal() != null
            ? target.getIntVal().equals(p.getContainerPort())
            : target.getStrVal().equals(p.getName()))
        .findFirst();
  }

  /** The mount under which {@code path} lies (the deepest, as the container sees it). */
  private static Optional<VolumeMount> mountHolding(Container c, String path) {
    return c.getVolumeMounts().stream()
        .filter(m -> path.equals(m.getMountPath()) || path.startsWith(m.getMountPath() + "/"))
        .max((a, b) -> Integer.compare(a.getMountPath().length(), b.getMountPath().length()));
  }

  private static Optional<Volume> volume(Workload w, String name) {
    List<Volume> volumes = w.template().getSpec().getVolumes();
    return volumes == null ? Optional.empty() : volumes.stream().filter(v -> v.getName().equals(name)).findFirst();
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }
}
