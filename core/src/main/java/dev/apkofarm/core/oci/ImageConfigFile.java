package dev.apkofarm.core.oci;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.oci.json.GoJsonWriter;
import dev.apkofarm.core.oci.json.GoTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An OCI image config blob ({@code application/vnd.oci.image.config.v1+json}), serialised as apko writes it through
 * go-containerregistry's {@code v1.ConfigFile}:
 *
 * <pre>{"architecture":"amd64","author":"…","created":"1970-01-01T00:00:00Z","history":[…],"os":"linux",
 * "rootfs":{"type":"layers","diff_ids":[…]},"config":{"Entrypoint":[…],"Env":[…],"Labels":{…}},"variant":"v7"}</pre>
 *
 * @param platform architecture and variant ({@code os} is always {@code linux})
 * @param author e.g. the tool that built the image
 * @param created image creation time
 * @param history one entry per layer
 * @param diffIds the layers' uncompressed digests, bottom first
 * @param config the container run configuration
 */
public record ImageConfigFile(
    Platform platform,
    String author,
    Instant created,
    List<History> history,
    List<Digest> diffIds,
    ContainerConfig config) {
  public ImageConfigFile {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(author, "author");
    Objects.requireNonNull(created, "created");
    history = List.copyOf(history);
    diffIds = List.copyOf(diffIds);
    Objects.requireNonNull(config, "config");
  }

  /**
   * One history entry.
   *
   * @param author who made the layer
   * @param created when
   * @param createdBy the tool
   * @param comment free text (apko: "TITLE by VENDOR" or "This is an apko single-layer image")
   */
  public record History(String author, Instant created, String createdBy, String comment) {
    public History {
      Objects.requireNonNull(author, "author");
      Objects.requireNonNull(created, "created");
      Objects.requireNonNull(createdBy, "createdBy");
      Objects.requireNonNull(comment, "comment");
    }
  }

  /**
   * The execution parameters of containers run from the image (the {@code config} member), Docker-style names.
   *
   * @param cmd default arguments
   * @param entrypoint the command
   * @param env {@code KEY=value}, sorted
   * @param labels sorted by key
   * @param user uid or name to run as, or empty
   * @param volumes volume paths
   * @param workingDir or empty
   * @param stopSignal or empty
   */
  public record ContainerConfig(
      List<String> cmd,
      List<String> entrypoint,
      List<String> env,
      SortedMap<String, String> labels,
      String user,
      SortedSet<String> volumes,
      String workingDir,
      String stopSignal) {
    public ContainerConfig {
      cmd = List.copyOf(cmd);
      entrypoint = List.copyOf(entrypoint);
      env = List.copyOf(env);
      TreeMap<String, String> l = new TreeMap<>(CodePointOrder.INSTANCE);
      l.putAll(labels);
      labels = java.util.Collections.unmodifiableSortedMap(l);
      Objects.requireNonNull(user, "user");
      TreeSet<String> v = new TreeSet<>(CodePointOrder.INSTANCE);
      v.addAll(volumes);
      volumes = java.util.Collections.unmodifiableSortedSet(v);
      Objects.requireNonNull(workingDir, "workingDir");
      Objects.requireNonNull(stopSignal, "stopSignal");
    }
  }

  /** The config as Go's {@code json.Marshal} writes it (compact, no trailing newline). */
  public byte[] toJson() {
    GoJsonWriter w = GoJsonWriter.compact();
    w.beginObject();
    w.field("architecture", platform.architecture());
    w.fieldOmitEmpty("author", author);
    w.field("created", GoTime.format(created));
    if (!history.isEmpty()) {
      w.name("history").beginArray();
      for (History h : history) {
        w.beginObject();
        w.fieldOmitEmpty("author", h.author());
        w.field("created", GoTime.format(h.created()));
        w.fieldOmitEmpty("created_by", h.createdBy());
        w.fieldOmitEmpty("comment", h.comment());
        w.endObject();
      }
      w.endArray();
    }
    w.field("os", platform.os());
    w.name("rootfs").beginObject().field("type", "layers");
    w.name("diff_ids").beginArray();
    diffIds.forEach(d -> w.value(d.toString()));
    w.endArray().endObject();
    w.name("config");
    writeConfig(w, config);
    platform.variant().ifPresent(v -> w.field("variant", v));
    w.endObject();
    return w.toBytes();
  }

  private static void writeConfig(GoJsonWriter w, ContainerConfig c) {
    w.beginObject();
    if (!c.cmd().isEmpty()) {
      w.field("Cmd", c.cmd());
    }
    if (!c.entrypoint().isEmpty()) {
      w.field("Entrypoint", c.entrypoint());
    }
    if (!c.env().isEmpty()) {
      w.field("Env", c.env());
    }
    if (!c.labels().isEmpty()) {
      w.name("Labels");
      OciJson.stringMap(w, c.labels());
    }
    w.fieldOmitEmpty("User", c.user());
    if (!c.volumes().isEmpty()) {
      w.name("Volumes").beginObject();
      for (String v : c.volumes()) {
        w.name(v).beginObject().endObject();
      }
      w.endObject();
    }
    w.fieldOmitEmpty("WorkingDir", c.workingDir());
    w.fieldOmitEmpty("StopSignal", c.stopSignal());
    w.endObject();
  }

  /** Convenience for tests and callers that have a plain map. */
  static SortedMap<String, String> sorted(Map<String, String> m) {
    TreeMap<String, String> t = new TreeMap<>(CodePointOrder.INSTANCE);
    t.putAll(m);
    return t;
  }

  /** The variant, if the platform has one. */
  public Optional<String> variant() {
    return platform.variant();
  }
}
