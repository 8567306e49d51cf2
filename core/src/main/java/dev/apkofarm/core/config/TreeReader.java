package dev.apkofarm.core.config;

import dev.apkofarm.core.config.YamlTree.Entry;
import dev.apkofarm.core.config.YamlTree.Mapping;
import dev.apkofarm.core.config.YamlTree.Mark;
import dev.apkofarm.core.config.YamlTree.Node;
import dev.apkofarm.core.config.YamlTree.Scalar;
import dev.apkofarm.core.config.YamlTree.Sequence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Typed access to the YAML tree of one file with apko's decoding rules, every value tied to its position and field
 * path so that any problem becomes a {@link ConfigException} naming both. Records the position of every field read
 * (for errors found after merging) and collects warnings.
 */
final class TreeReader {
  private final String file;
  private final Map<String, Mark> marks = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();

  TreeReader(String file) {
    this.file = file;
  }

  String file() {
    return file;
  }

  /** Field path to the position of its value, for every field read so far. */
  Map<String, Mark> marks() {
    return Map.copyOf(marks);
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  ConfigException error(Mark mark, String path, String problem) {
    return new ConfigException(file, mark.line(), mark.column(), path, problem);
  }

  Obj obj(Node node, String path, String... allowed) throws ConfigException {
    if (!(node instanceof Mapping m)) {
      throw error(node.mark(), path, "expected a mapping, found " + node.describe());
    }
    marks.put(path, m.mark());
    for (Entry e : m.entries().values()) {
      if (!List.of(allowed).contains(e.key())) {
        String suggestion = Suggestions.closest(e.key(), List.of(allowed)).map(s -> "did you mean " + s + "? ")
            .orElse("");
        throw error(
            e.keyMark(),
            child(path, e.key()),
            "unknown key (" + suggestion + "allowed: " + String.join(", ", allowed) + ")");
      }
    }
    return new Obj(m, path);
  }

  /** A mapping whose keys were checked. */
  final class Obj {
    private final Mapping mapping;
    private final String path;

    Obj(Mapping mapping, String path) {
      this.mapping = mapping;
      this.path = path;
    }

    /** The value under {@code key}; absent when missing or null. */
    Optional<Located> get(String key) {
      Entry e = mapping.entries().get(key);
      if (e == null || (e.value() instanceof Scalar s && s.isNull())) {
        return Optional.empty();
      }
      String p = child(path, key);
      marks.put(p, e.value().mark());
      return Optional.of(new Located(e.value(), p));
    }

    Located required(String key) throws ConfigException {
      Optional<Located> v = get(key);
      if (v.isEmpty()) {
        throw error(mapping.mark(), child(path, key), "is required");
      }
      return v.get();
    }

    Optional<Obj> obj(String key, String... allowed) throws ConfigException {
      Optional<Located> v = get(key);
      return v.isPresent() ? Optional.of(v.get().obj(allowed)) : Optional.empty();
    }

    Optional<String> string(String key) throws ConfigException {
      Optional<Located> v = get(key);
      return v.isPresent() ? Optional.of(v.get().string()) : Optional.empty();
    }

    /** {@link #string(String)} checked by {@code rule} at its position. */
    Optional<String> string(String key, java.util.function.Function<String, String> rule) throws ConfigException {
      Optional<Located> v = get(key);
      return v.isPresent() ? Optional.of(v.get().string(rule)) : Optional.empty();
    }

    /** A string to be split into words; unbalanced quotes are reported here rather than at build time. */
    Optional<String> commandLine(String key) throws ConfigException {
      Optional<Located> v = get(key);
      if (v.isEmpty() || v.get().string().isEmpty()) {
        return Optional.empty();
      }
      String line = v.get().string();
      try {
        ShellWords.split(line);
      } catch (IllegalArgumentException e) {
        throw v.get().error("cannot split into words: " + e.getMessage());
      }
      return Optional.of(line);
    }

    OptionalLong uint32(String key) throws ConfigException {
      Optional<Located> v = get(key);
      return v.isPresent() ? OptionalLong.of(v.get().uint32()) : OptionalLong.empty();
    }

    boolean bool(String key) throws ConfigException {
      Optional<Located> v = get(key);
      return v.isPresent() && v.get().bool();
    }

    List<Located> items(String key) throws ConfigException {
      Optional<Located> v = get(key);
      return v.isPresent() ? v.get().items() : List.of();
    }

    List<String> strings(String key) throws ConfigException {
      return strings(key, v -> null);
    }

    /** A list of strings, each checked by {@code rule} at its position. */
    List<String> strings(String key, java.util.function.Function<String, String> rule) throws ConfigException {
      List<String> out = new ArrayList<>();
      for (Located item : items(key)) {
        out.add(item.string(rule));
      }
      return out;
    }

    <T> List<T> list(String key, ItemDecoder<T> decoder) throws ConfigException {
      List<T> out = new ArrayList<>();
      for (Located item : items(key)) {
        out.add(decoder.decode(item));
      }
      return out;
    }

    Map<String, String> stringMap(String key) throws ConfigException {
      return stringMap(key, k -> null);
    }

    /** A mapping of names to values whose names {@code keyRule} checks, each at its own position. */
    Map<String, String> stringMap(String key, java.util.function.Function<String, String> keyRule)
        throws ConfigException {
      Optional<Located> v = get(key);
      if (v.isEmpty()) {
        return Map.of();
      }
      if (!(v.get().node instanceof Mapping m)) {
        throw v.get().error("expected a mapping of names to values, found " + v.get().node.describe());
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Entry e : m.entries().values()) {
        String problem = keyRule.apply(e.key());
        if (problem != null) {
          throw error(e.keyMark(), child(v.get().path, e.key()), problem);
        }
        Located value = new Located(e.value(), child(v.get().path, e.key()));
        // apko's YAML decoding turns a null value into an empty string here.
        out.put(e.key(), e.value() instanceof Scalar s && s.isNull() ? "" : value.string());
      }
      return out;
    }

    <T> T build(Supplier<T> constructor) throws ConfigException {
      return new Located(mapping, path).build(constructor);
    }
  }

  @FunctionalInterface
  interface ItemDecoder<T> {
    T decode(Located item) throws ConfigException;
  }

  /** A node with its field path. */
  final class Located {
    final Node node;
    final String path;

    Located(Node node, String path) {
      this.node = node;
      this.path = path;
    }

    boolean isNull() {
      return node instanceof Scalar s && s.isNull();
    }

    ConfigException error(String problem) {
      return TreeReader.this.error(node.mark(), path, problem);
    }

    Obj obj(String... allowed) throws ConfigException {
      return TreeReader.this.obj(node, path, allowed);
    }

    String string() throws ConfigException {
      if (node instanceof Scalar s && !s.isNull()) {
        return s.text();
      }
      throw error("expected a string, found " + node.describe());
    }

    /** {@link #string()}, refused here when {@code rule} finds a problem with it (see {@link ConfigNames}). */
    String string(java.util.function.Function<String, String> rule) throws ConfigException {
      String value = string();
      String problem = rule.apply(value);
      if (problem != null) {
        throw error(problem);
      }
      return value;
    }

    List<Located> items() throws ConfigException {
      if (!(node instanceof Sequence seq)) {
        throw error("expected a list, found " + node.describe());
      }
      List<Located> out = new ArrayList<>();
      for (int i = 0; i < seq.items().size(); i++) {
        Node item = seq.items().get(i);
        String p = path + "[" + i + "]";
        marks.put(p, item.mark());
        Located located = new Located(item, p);
        if (located.isNull()) {
          throw located.error("expected a value, found null (an empty list item)");
        }
        out.add(located);
      }
      return out;
    }

    /** A Go integer literal as apko's YAML library reads it. */
    long integer() throws ConfigException {
      Scalar s = integerScalar("an integer");
      OptionalLong value = GoIntegers.parse(s.text());
      if (value.isEmpty()) {
        throw error("expected an integer, found " + s.describe());
      }
      return value.getAsLong();
    }

    long uint32() throws ConfigException {
      long v = integer();
      if (v < 0 || v > Ids.UINT32_MAX) {
        throw error("must be between 0 and " + Ids.UINT32_MAX + ", found " + v);
      }
      return v;
    }

    int permissions() throws ConfigException {
      Scalar s = integerScalar("an octal permission like 0o755");
      OptionalLong value = GoIntegers.parse(s.text());
      if (value.isEmpty()) {
        throw error("bad octal permission " + s.describe() + " (write it like 0o755 or 0o4755)");
      }
      long v = value.getAsLong();
      if (v < 0 || v > Ids.MAX_PERMISSIONS) {
        throw error("bad octal permission " + s.text() + ": must be between 0o0 and 0o7777");
      }
      if (GoIntegers.isDecimalThatLooksOctal(s.text())) {
        warnings.add(
            TreeReader.this.error(node.mark(), path, s.text() + " is a decimal number (0o"
                + Long.toOctalString(v) + "); write 0o" + s.text() + " if you meant octal")
                .getMessage());
      }
      return (int) v;
    }

    private Scalar integerScalar(String expected) throws ConfigException {
      if (!(node instanceof Scalar s) || s.quoted() || s.kind() == Scalar.Kind.BOOL
          || s.kind() == Scalar.Kind.FLOAT) {
        String hint = node instanceof Scalar s2 && s2.quoted() ? " (remove the quotes)" : "";
        throw error("expected " + expected + ", found " + node.describe() + hint);
      }
      return s;
    }

    boolean bool() throws ConfigException {
      if (node instanceof Scalar s && !s.quoted()) {
        switch (s.text().toLowerCase(Locale.ROOT)) {
          case "true", "yes", "on" -> {
            return true;
          }
          case "false", "no", "off" -> {
            return false;
          }
          default -> {}
        }
      }
      throw error("expected true or false, found " + node.describe());
    }

    /** Runs a record constructor, turning its validation failure into an error at this node. */
    <T> T build(Supplier<T> constructor) throws ConfigException {
      try {
        return constructor.get();
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage());
      }
    }
  }
}
