package dev.apkofarm.core.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.oci.json.GoJsonWriter;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A base image's config blob as go-containerregistry reads it into its {@code v1.ConfigFile} and writes it back:
 * only the fields of that struct survive (matched case-insensitively, as Go's decoder does), in the struct's order,
 * empty ones left out where the struct says {@code omitempty}, times in Go's RFC 3339 form. apko appends its layer to
 * the base through exactly this round trip, so the top image's config bytes depend on it.
 */
final class ConfigFileJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** {@code v1.Config}'s fields in declaration order, with their Go types. */
  private static final Map<String, Kind> CONFIG_FIELDS = new LinkedHashMap<>();

  private enum Kind { BOOL, STRINGS, HEALTH, STRING, STRING_MAP, SET }

  static {
    CONFIG_FIELDS.put("AttachStderr", Kind.BOOL);
    CONFIG_FIELDS.put("AttachStdin", Kind.BOOL);
    CONFIG_FIELDS.put("AttachStdout", Kind.BOOL);
    CONFIG_FIELDS.put("Cmd", Kind.STRINGS);
    CONFIG_FIELDS.put("Healthcheck", Kind.HEALTH);
    CONFIG_FIELDS.put("Domainname", Kind.STRING);
    CONFIG_FIELDS.put("Entrypoint", Kind.STRINGS);
    CONFIG_FIELDS.put("Env", Kind.STRINGS);
    CONFIG_FIELDS.put("Hostname", Kind.STRING);
    CONFIG_FIELDS.put("Image", Kind.STRING);
    CONFIG_FIELDS.put("Labels", Kind.STRING_MAP);
    CONFIG_FIELDS.put("OnBuild", Kind.STRINGS);
    CONFIG_FIELDS.put("OpenStdin", Kind.BOOL);
    CONFIG_FIELDS.put("StdinOnce", Kind.BOOL);
    CONFIG_FIELDS.put("Tty", Kind.BOOL);
    CONFIG_FIELDS.put("User", Kind.STRING);
    CONFIG_FIELDS.put("Volumes", Kind.SET);
    CONFIG_FIELDS.put("WorkingDir", Kind.STRING);
    CONFIG_FIELDS.put("ExposedPorts", Kind.SET);
    CONFIG_FIELDS.put("ArgsEscaped", Kind.BOOL);
    CONFIG_FIELDS.put("NetworkDisabled", Kind.BOOL);
    CONFIG_FIELDS.put("MacAddress", Kind.STRING);
    CONFIG_FIELDS.put("StopSignal", Kind.STRING);
    CONFIG_FIELDS.put("Shell", Kind.STRINGS);
  }

  /** One {@code history} entry; {@code created} already in Go's form. */
  record History(String author, String created, String createdBy, String comment, boolean emptyLayer) {}

  private final String what;
  String architecture;
  String author;
  String container;
  String created;
  String dockerVersion;
  final List<History> history = new ArrayList<>();
  String os;
  String rootfsType;
  final List<String> diffIds = new ArrayList<>();
  /** {@code config}: field name → value, only {@link #CONFIG_FIELDS}, nulls dropped. */
  final Map<String, Object> config = new LinkedHashMap<>();
  String osVersion;
  String variant;
  final List<String> osFeatures = new ArrayList<>();

  private ConfigFileJson(String what) {
    this.what = what;
  }

  /** Reads a config blob; {@code what} names it in messages. */
  static ConfigFileJson parse(byte[] bytes, String what) throws BadInputException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new BadInputException(what + " is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadInputException(what + " is not a JSON object");
    }
    ConfigFileJson c = new ConfigFileJson(what);
    c.architecture = c.string(root, "architecture");
    c.author = c.string(root, "author");
    c.container = c.string(root, "container");
    c.created = c.time(root, "created");
    c.dockerVersion = c.string(root, "docker_version");
    for (JsonNode h : c.array(root, "history")) {
      if (!h.isObject()) {
        throw new BadInputException(what + ": history: expected objects");
      }
      c.history.add(new History(c.string(h, "author"), c.time(h, "created"), c.string(h, "created_by"),
          c.string(h, "comment"), c.bool(h, "empty_layer")));
    }
    c.os = c.string(root, "os");
    Optional<JsonNode> rootfs = field(root, "rootfs");
    if (rootfs.isPresent() && rootfs.get().isObject()) {
      c.rootfsType = c.string(rootfs.get(), "type");
      c.diffIds.addAll(c.strings(rootfs.get(), "diff_ids"));
    } else {
      c.rootfsType = "";
    }
    Optional<JsonNode> config = field(root, "config");
    if (config.isPresent() && config.get().isObject()) {
      c.readConfig(config.get());
    }
    c.osVersion = c.string(root, "os.version");
    c.variant = c.string(root, "variant");
    c.osFeatures.addAll(c.strings(root, "os.features"));
    return c;
  }

  private void readConfig(JsonNode n) throws BadInputException {
    for (Map.Entry<String, Kind> f : CONFIG_FIELDS.entrySet()) {
      Optional<JsonNode> v = field(n, f.getKey());
      if (v.isEmpty() || v.get().isNull()) {
        continue;
      }
      String name = f.getKey();
      switch (f.getValue()) {
        case BOOL -> config.put(name, bool(n, name));
        case STRING -> config.put(name, string(n, name));
        case STRINGS -> config.put(name, strings(n, name));
        case STRING_MAP -> config.put(name, stringMap(v.get(), name));
        case SET -> config.put(name, keys(v.get(), name));
        case HEALTH -> config.put(name, health(v.get()));
        default -> throw new IllegalStateException("unknown kind");
      }
    }
  }

  /** The bytes Go's {@code json.Marshal} writes for this config file. */
  byte[] toJson() {
    GoJsonWriter w = GoJsonWriter.compact();
    w.beginObject();
    w.field("architecture", architecture);
    w.fieldOmitEmpty("author", author);
    w.fieldOmitEmpty("container", container);
    w.field("created", created);
    w.fieldOmitEmpty("docker_version", dockerVersion);
    if (!history.isEmpty()) {
      w.name("history").beginArray();
      for (History h : history) {
        w.beginObject();
        w.fieldOmitEmpty("author", h.author());
        w.field("created", h.created());
        w.fieldOmitEmpty("created_by", h.createdBy());
        w.fieldOmitEmpty("comment", h.comment());
        if (h.emptyLayer()) {
          w.field("empty_layer", true);
        }
        w.endObject();
      }
      w.endArray();
    }
    w.field("os", os);
    w.name("rootfs").beginObject().field("type", rootfsType);
    w.name("diff_ids");
    if (diffIds.isEmpty()) {
      w.nullValue();
    } else {
      w.beginArray();
      diffIds.forEach(w::value);
      w.endArray();
    }
    w.endObject();
    w.name("config");
    writeConfig(w);
    w.fieldOmitEmpty("os.version", osVersion);
    w.fieldOmitEmpty("variant", variant);
    if (!osFeatures.isEmpty()) {
      w.field("os.features", osFeatures);
    }
    w.endObject();
    return w.toBytes();
  }

  @SuppressWarnings("unchecked")
  private void writeConfig(GoJsonWriter w) {
    w.beginObject();
    for (Map.Entry<String, Kind> f : CONFIG_FIELDS.entrySet()) {
      Object v = config.get(f.getKey());
      if (v == null) {
        continue;
      }
      String name = f.getKey();
      switch (f.getValue()) {
        case BOOL -> {
          if ((Boolean) v) {
            w.field(name, true);
          }
        }
        case STRING -> w.fieldOmitEmpty(name, (String) v);
        case STRINGS -> {
          if (!((List<String>) v).isEmpty()) {
            w.field(name, (List<String>) v);
          }
        }
        case STRING_MAP -> {
          Map<String, String> m = (Map<String, String>) v;
          if (!m.isEmpty()) {
            w.name(name).beginObject();
            m.forEach(w::field);
            w.endObject();
          }
        }
        case SET -> {
          List<String> keys = (List<String>) v;
          if (!keys.isEmpty()) {
            w.name(name).beginObject();
            keys.forEach(k -> w.name(k).beginObject().endObject());
            w.endObject();
          }
        }
        case HEALTH -> ((Health) v).write(w.name(name));
        default -> throw new IllegalStateException("unknown kind");
      }
    }
    w.endObject();
  }

  /** {@code v1.HealthConfig}. */
  private record Health(List<String> test, long interval, long timeout, long startPeriod, long retries) {
    void write(GoJsonWriter w) {
      w.beginObject();
      if (!test.isEmpty()) {
        w.field("Test", test);
      }
      if (interval != 0) {
        w.field("Interval", interval);
      }
      if (timeout != 0) {
        w.field("Timeout", timeout);
      }
      if (startPeriod != 0) {
        w.field("StartPeriod", startPeriod);
      }
      if (retries != 0) {
        w.field("Retries", retries);
      }
      w.endObject();
    }
  }

  private Health health(JsonNode n) throws BadInputException {
    if (!n.isObject()) {
      throw new BadInputException(what + ": config.Healthcheck: expected an object");
    }
    return new Health(strings(n, "Test"), integer(n, "Interval"), integer(n, "Timeout"), integer(n, "StartPeriod"),
        integer(n, "Retries"));
  }

  /** Go's decoder: the exact key, else the first key equal ignoring case. */
  private static Optional<JsonNode> field(JsonNode object, String name) {
    JsonNode exact = object.get(name);
    if (exact != null) {
      return Optional.of(exact);
    }
    Iterator<Map.Entry<String, JsonNode>> it = object.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  private String string(JsonNode o, String name) throws BadInputException {
    Optional<JsonNode> v = field(o, name);
    if (v.isEmpty() || v.get().isNull()) {
      return "";
    }
    if (!v.get().isTextual()) {
      throw new BadInputException(what + ": " + name + ": expected a string");
    }
    return v.get().asText();
  }

  private boolean bool(JsonNode o, String name) throws BadInputException {
    Optional<JsonNode> v = field(o, name);
    if (v.isEmpty() || v.get().isNull()) {
      return false;
    }
    if (!v.get().isBoolean()) {
      throw new BadInputException(what + ": " + name + ": expected true or false");
    }
    return v.get().asBoolean();
  }

  private long integer(JsonNode o, String name) throws BadInputException {
    Optional<JsonNode> v = field(o, name);
    if (v.isEmpty() || v.get().isNull()) {
      return 0;
    }
    if (!v.get().isIntegralNumber() || !v.get().canConvertToLong()) {
      throw new BadInputException(what + ": " + name + ": expected an integer");
    }
    return v.get().asLong();
  }

  private List<JsonNode> array(JsonNode o, String name) throws BadInputException {
    Optional<JsonNode> v = field(o, name);
    if (v.isEmpty() || v.get().isNull()) {
      return List.of();
    }
    if (!v.get().isArray()) {
      throw new BadInputException(what + ": " + name + ": expected a list");
    }
    List<JsonNode> out = new ArrayList<>();
    v.get().forEach(out::add);
    return out;
  }

  private List<String> strings(JsonNode o, String name) throws BadInputException {
    List<String> out = new ArrayList<>();
    for (JsonNode e : array(o, name)) {
      if (e.isNull()) {
        out.add("");
      } else if (e.isTextual()) {
        out.add(e.asText());
      } else {
        throw new BadInputException(what + ": " + name + ": expected a list of strings");
      }
    }
    return out;
  }

  private Map<String, String> stringMap(JsonNode n, String name) throws BadInputException {
    if (!n.isObject()) {
      throw new BadInputException(what + ": config." + name + ": expected an object");
    }
    TreeMap<String, String> out = new TreeMap<>(CodePointOrder.INSTANCE);
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual() && !e.getValue().isNull()) {
        throw new BadInputException(what + ": config." + name + "." + e.getKey() + ": expected a string");
      }
      out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
    }
    return out;
  }

  private List<String> keys(JsonNode n, String name) throws BadInputException {
    if (!n.isObject()) {
      throw new BadInputException(what + ": config." + name + ": expected an object");
    }
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    out.sort(CodePointOrder.INSTANCE);
    return out;
  }

  /** A time as Go re-marshals it (RFC 3339 with nanoseconds, trailing zeros dropped); absent is Go's zero time. */
  private String time(JsonNode o, String name) throws BadInputException {
    String text = string(o, name);
    if (text.isEmpty()) {
      return "0001-01-01T00:00:00Z";
    }
    OffsetDateTime t;
    try {
      t = OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new BadInputException(what + ": " + name + ": \"" + text + "\" is not an RFC 3339 time");
    }
    return goTime(t);
  }

  static String goTime(OffsetDateTime t) {
    StringBuilder s = new StringBuilder();
    s.append(String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
        t.getHour(), t.getMinute(), t.getSecond()));
    int nanos = t.getNano();
    if (nanos != 0) {
      String f = String.format("%09d", nanos);
      int end = f.length();
      while (f.charAt(end - 1) == '0') {
        end--;
      }
      s.append('.').append(f, 0, end);
    }
    int offset = t.getOffset().getTotalSeconds();
    if (offset == 0) {
      s.append('Z');
    } else {
      int abs = Math.abs(offset) / 60;
      s.append(offset < 0 ? '-' : '+').append(String.format("%02d:%02d", abs / 60, abs % 60));
    }
    return s.toString();
  }
}
