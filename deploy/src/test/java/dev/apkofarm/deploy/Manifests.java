package dev.apkofarm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every object of {@code deploy/kubernetes/*.yaml} (documents separated by {@code ---}), read into fabric8's typed
 * Kubernetes model by its {@code apiVersion} and {@code kind}, plus the kustomization that lists them. A kind this
 * class does not know is an error: a new kind in the manifests needs a check here first.
 */
final class Manifests {
  static final String KUSTOMIZATION = "kustomization.yaml";
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "v1/Namespace", Namespace.class,
          "v1/Service", Service.class,
          "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
          "apps/v1/Deployment", Deployment.class,
          "apps/v1/StatefulSet", StatefulSet.class);

  /** One parsed object and the file it came from. */
  record Manifest(Path file, HasMetadata object) {
    String describe() {
      return object.getKind() + " " + object.getMetadata().getName() + " (" + file.getFileName() + ")";
    }
  }

  /** A Deployment or a StatefulSet: what makes pods. */
  record Workload(Manifest manifest, int replicas, LabelSelector selector, PodTemplateSpec template) {
    String name() {
      return manifest.object().getMetadata().getName();
    }

    String namespace() {
      return manifest.object().getMetadata().getNamespace();
    }

    Map<String, String> podLabels() {
      return template.getMetadata().getLabels();
    }
  }

  private final Path dir;
  private final List<Manifest> manifests;
  private final JsonNode kustomization;

  private Manifests(Path dir, List<Manifest> manifests, JsonNode kustomization) {
    this.dir = dir;
    this.manifests = List.copyOf(manifests);
    this.kustomization = kustomization;
  }

  /** Reads {@code dir}: every {@code *.yaml} but the kustomization as Kubernetes objects. */
  static Manifests load(Path dir) throws IOException {
    List<Manifest> all = new ArrayList<>();
    JsonNode kustomization = null;
    for (Path file : yamlFiles(dir)) {
      if (file.getFileName().toString().equals(KUSTOMIZATION)) {
        kustomization = YAML.readTree(file.toFile());
        continue;
      }
      try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc == null || doc.isNull() || doc.isEmpty()) {
            continue;
          }
          String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
          Class<? extends HasMetadata> kind = KINDS.get(type);
          if (kind == null) {
            throw new IllegalStateException(file + ": " + type + " is a kind the manifest test does not check yet");
          }
          all.add(new Manifest(file, YAML.treeToValue(doc, kind)));
        }
      }
    }
    if (kustomization == null) {
      throw new IllegalStateException(dir + " has no " + KUSTOMIZATION);
    }
    return new Manifests(dir, all, kustomization);
  }

  /** The {@code *.yaml} files of {@code dir}, sorted. */
  static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    }
  }

  Path dir() {
    return dir;
  }

  List<Manifest> all() {
    return manifests;
  }

  JsonNode kustomization() {
    return kustomization;
  }

  /** The objects of one kind. */
  <T extends HasMetadata> List<T> of(Class<T> kind) {
    return manifests.stream().map(Manifest::object).filter(kind::isInstance).map(kind::cast).toList();
  }

  Optional<Service> service(String name) {
    return of(Service.class).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst();
  }

  /** Every Deployment and StatefulSet. */
  List<Workload> workloads() {
    List<Workload> out = new ArrayList<>();
    for (Manifest m : manifests) {
      if (m.object() instanceof Deployment d) {
        out.add(new Workload(m, d.getSpec().getReplicas(), d.getSpec().getSelector(), d.getSpec().getTemplate()));
      } else if (m.object() instanceof StatefulSet s) {
        out.add(new Workload(m, s.getSpec().getReplicas(), s.getSpec().getSelector(), s.getSpec().getTemplate()));
      }
    }
    return out;
  }

  /**
   * Fields the model does not know, as {@code path: names}. fabric8's model keeps unknown fields in each object's
   * {@code additionalProperties} instead of refusing them, so a misspelt field would otherwise vanish silently.
   */
  static List<String> unknownFields(Object object) {
    List<String> found = new ArrayList<>();
    collectUnknown(object, "", found);
    return found;
  }

  private static void collectUnknown(Object o, String path, List<String> found) {
    if (o == null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        collectUnknown(e, path + "[" + i++ + "]", found);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> collectUnknown(v, path + "." + k, found));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : o.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(getter + ": " + e.getMessage(), e);
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add((path.isEmpty() ? "." : path) + ": " + extra.keySet());
        }
        continue;
      }
      String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      collectUnknown(value, path + "." + field, found);
    }
  }
}
