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
 * Turns the YAML tree of one config file into an {@link ImageConfig} (not yet merged with its include, not yet
 * normalised), checking names and types field by field so each error carries its position and field path. Follows
 * apko's decoding: unknown keys are errors, a null value is the same as an absent key, any scalar is accepted where a
 * string is expected (its text as written), integers are Go literals ({@code 0o755}, {@code 0755}, {@code 0x1ed},
 * {@code 493}).
 */
final class ConfigDecoder {
  private final String file;
  private final Map<String, Mark> marks = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();

  private ConfigDecoder(String file) {
    this.file = file;
  }

  /** One decoded file. */
  record Decoded(
      String file,
      ImageConfig config,
      Optional<String> include,
      Map<String, Mark> marks,
      List<String> warnings) {}

  /** Decodes {@code root} (null for an empty document) read from {@code file} (the name used in messages). */
  static Decoded decode(String file, Node root) throws ConfigException {
    ConfigDecoder d = new ConfigDecoder(file);
    if (root == null) {
      throw new ConfigException(file, 0, 0, "", "the file is empty; an apko config is a YAML mapping");
    }
    ImageConfig.Builder b = d.top(root);
    ImageConfig config = b.buildUnchecked();
    return new Decoded(file, config, config.include(), Map.copyOf(d.marks), List.copyOf(d.warnings));
  }

  private ImageConfig.Builder top(Node root) throws ConfigException {
    Obj o =
        obj(
            root,
            "",
            "contents", "entrypoint", "cmd", "stop-signal", "work-dir", "accounts", "archs", "environment",
            "paths", "vcs-url", "annotations", "include", "volumes", "layering", "format", "certificates");
    ImageConfig.Builder b = ImageConfig.builder();
    Optional<Obj> contents = o.obj("contents", "build_repositories", "runtime_repositories", "repositories",
        "keyring", "runtime_keyring", "packages", "baseimage");
    if (contents.isPresent()) {
      b.contents(contents(contents.get()));
    }
    Optional<Obj> entrypoint = o.obj("entrypoint", "type", "command", "shell-fragment", "services");
    if (entrypoint.isPresent()) {
      b.entrypoint(entrypoint(entrypoint.get()));
    }
    b.cmd(o.commandLine("cmd"));
    b.stopSignal(o.string("stop-signal"));
    b.workDir(o.string("work-dir"));
    Optional<Obj> accounts = o.obj("accounts", "run-as", "users", "groups");
    if (accounts.isPresent()) {
      b.accounts(accounts(accounts.get()));
    }
    b.archs(archs(o));
    b.environment(o.stringMap("environment"));
    b.paths(o.list("paths", this::pathMutation));
    b.vcsUrl(o.string("vcs-url"));
    b.annotations(o.stringMap("annotations"));
    b.include(o.string("include").filter(s -> !s.isEmpty()));
    b.volumes(o.strings("volumes"));
    Optional<Obj> layering = o.obj("layering", "strategy", "budget");
    if (layering.isPresent()) {
      b.layering(Optional.of(layering(layering.get())));
    }
    Optional<Located> format = o.get("format");
    if (format.isPresent() && !format.get().string().isEmpty()) {
      String f = format.get().string();
      b.format(
          Optional.of(
              LayerFormat.parse(f)
                  .orElseThrow(() -> format.get().error("unknown format \"" + f + "\" (known: tar, erofs)"))));
    }
    Optional<Obj> certificates = o.obj("certificates", "additional", "providers");
    if (certificates.isPresent()) {
      Obj c = certificates.get();
      b.certificates(Optional.of(new Certificates(c.list("additional", this::certificate), c.strings("providers"))));
    }
    return b;
  }

  private ImageContents contents(Obj o) throws ConfigException {
    Optional<BaseImage> baseImage = Optional.empty();
    Optional<Obj> base = o.obj("baseimage", "image", "apkindex");
    if (base.isPresent()) {
      Obj bo = base.get();
      baseImage = Optional.of(new BaseImage(bo.required("image").string(), bo.required("apkindex").string()));
    }
    return new ImageContents(
        repositories(o, "build_repositories"),
        repositories(o, "runtime_repositories"),
        repositories(o, "repositories"),
        o.strings("keyring"),
        o.list("runtime_keyring", this::runtimeKey),
        o.strings("packages"),
        baseImage);
  }

  // apko trims trailing slashes of repositories and accepts "URL" or "@tag URL".
  private List<String> repositories(Obj o, String key) throws ConfigException {
    List<String> out = new ArrayList<>();
    List<Located> items = o.items(key);
    for (Located item : items) {
      String repo = item.string();
      String[] parts = repo.split(" ", -1);
      if (parts.length > 2 || (parts.length == 2 && (!parts[0].startsWith("@") || parts[0].length() < 2))) {
        throw item.error("expected a repository URL or path, or \"@tag URL\", found \"" + repo + "\"");
      }
      int end = repo.length();
      while (end > 0 && repo.charAt(end - 1) == '/') {
        end--;
      }
      out.add(repo.substring(0, end));
    }
    return out;
  }

  private RuntimeKey runtimeKey(Located item) throws ConfigException {
    Obj o = item.obj("name", "content");
    Located name = o.required("name");
    String problem = ConfigNames.fileNameProblem(name.string());
    if (problem != null) {
      throw name.error(problem);
    }
    Located content = o.required("content");
    if (content.string().isEmpty()) {
      throw content.error("must not be empty");
    }
    String n = name.string();
    String c = content.string();
    return item.build(() -> new RuntimeKey(n, c));
  }

  private AdditionalCertificate certificate(Located item) throws ConfigException {
    Obj o = item.obj("name", "content");
    Located name = o.required("name");
    String problem = ConfigNames.fileNameProblem(name.string());
    if (problem != null) {
      throw name.error(problem);
    }
    String n = name.string();
    String content = o.string("content").orElse("");
    return item.build(() -> new AdditionalCertificate(n, content));
  }

  private Entrypoint entrypoint(Obj o) throws ConfigException {
    Optional<Located> type = o.get("type");
    Optional<String> typeName = Optional.empty();
    if (type.isPresent() && !type.get().string().isEmpty()) {
      String t = type.get().string();
      if (!t.equals(Entrypoint.SERVICE_BUNDLE)) {
        throw type.get().error("unknown entrypoint type \"" + t + "\" (only " + Entrypoint.SERVICE_BUNDLE + ")");
      }
      typeName = Optional.of(t);
    }
    Optional<String> finalType = typeName;
    Optional<String> command = o.commandLine("command");
    Optional<String> fragment = o.string("shell-fragment").filter(s -> !s.isEmpty());
    Map<String, String> services = o.stringMap("services");
    return o.build(() -> new Entrypoint(finalType, command, fragment, services));
  }

  private Accounts accounts(Obj o) throws ConfigException {
    Optional<String> runAs = o.string("run-as").filter(s -> !s.isEmpty());
    List<User> users = o.list("users", this::user);
    List<Group> groups = o.list("groups", this::group);
    return new Accounts(runAs, users, groups);
  }

  private User user(Located item) throws ConfigException {
    Obj o = item.obj("username", "uid", "gid", "shell", "homedir");
    String name = o.required("username").string();
    Located uidField = o.required("uid");
    long uid = uidField.uint32();
    if (uid == 0) {
      throw uidField.error("must not be 0 (to run as root, use run-as: 0)");
    }
    OptionalLong gid = o.uint32("gid");
    Optional<String> shell = o.string("shell").filter(s -> !s.isEmpty());
    String homedir = o.string("homedir").orElse("");
    return item.build(() -> new User(name, uid, gid, shell, homedir));
  }

  private Group group(Located item) throws ConfigException {
    Obj o = item.obj("groupname", "gid", "members");
    String name = o.required("groupname").string();
    long gid = o.uint32("gid").orElse(0);
    List<String> members = o.strings("members");
    return item.build(() -> new Group(name, gid, members));
  }

  private PathMutation pathMutation(Located item) throws ConfigException {
    Obj o = item.obj("path", "type", "uid", "gid", "permissions", "source", "recursive");
    String path = o.required("path").string();
    Located typeField = o.required("type");
    String typeName = typeField.string();
    PathMutation.Type type =
        PathMutation.Type.parse(typeName)
            .orElseThrow(
                () ->
                    typeField.error(
                        "unknown type \"" + typeName + "\" (known: " + PathMutation.Type.known() + ")"));
    OptionalLong uid = o.uint32("uid");
    OptionalLong gid = o.uint32("gid");
    int permissions = o.get("permissions").isPresent() ? o.get("permissions").get().permissions() : 0;
    Optional<String> source = o.string("source").filter(s -> !s.isEmpty());
    if ((type == PathMutation.Type.SYMLINK || type == PathMutation.Type.HARDLINK) && source.isEmpty()) {
      throw item.error("a " + type + " needs a source");
    }
    boolean recursive = o.bool("recursive");
    return item.build(() -> new PathMutation(path, type, uid, gid, permissions, source, recursive));
  }

  private Layering layering(Obj o) throws ConfigException {
    Optional<Located> strategy = o.get("strategy").filter(s -> !s.isNull());
    Optional<String> name = Optional.empty();
    if (strategy.isPresent() && !strategy.get().string().isEmpty()) {
      String s = strategy.get().string();
      if (!s.equals(Layering.ORIGIN)) {
        throw strategy.get().error("unknown layering strategy \"" + s + "\" (known: " + Layering.ORIGIN + ")");
      }
      name = Optional.of(s);
    }
    int budget = 0;
    Optional<Located> budgetField = o.get("budget");
    if (budgetField.isPresent()) {
      long value = budgetField.get().integer();
      if (value < 0 || value > Integer.MAX_VALUE) {
        throw budgetField.get().error("must be between 0 and " + Integer.MAX_VALUE + ", found " + value);
      }
      budget = (int) value;
      if (budget != 0 && name.isEmpty()) {
        throw budgetField.get().error("a budget needs strategy: origin");
      }
    }
    Optional<String> finalName = name;
    int finalBudget = budget;
    return o.build(() -> new Layering(finalName, finalBudget));
  }

  private List<Arch> archs(Obj o) throws ConfigException {
    List<Arch> archs = new ArrayList<>();
    for (Located item : o.items("archs")) {
      String name = item.string();
      archs.add(
          Arch.parse(name)
              .orElseThrow(
                  () -> item.error("unknown architecture \"" + name + "\" (known: " + Arch.known() + ")")));
    }
    return archs;
  }

  // ---- typed access to the tree, every value tied to its position and field path ----

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private ConfigException error(Mark mark, String path, String problem) {
    return new ConfigException(file, mark.line(), mark.column(), path, problem);
  }

  private Obj obj(Node node, String path, String... allowed) throws ConfigException {
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
  private final class Obj {
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
      List<String> out = new ArrayList<>();
      for (Located item : items(key)) {
        out.add(item.string());
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
      Optional<Located> v = get(key);
      if (v.isEmpty()) {
        return Map.of();
      }
      if (!(v.get().node instanceof Mapping m)) {
        throw v.get().error("expected a mapping of names to values, found " + v.get().node.describe());
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Entry e : m.entries().values()) {
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
  private interface ItemDecoder<T> {
    T decode(Located item) throws ConfigException;
  }

  /** A node with its field path. */
  private final class Located {
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
      return ConfigDecoder.this.error(node.mark(), path, problem);
    }

    Obj obj(String... allowed) throws ConfigException {
      return ConfigDecoder.this.obj(node, path, allowed);
    }

    String string() throws ConfigException {
      if (node instanceof Scalar s && !s.isNull()) {
        return s.text();
      }
      throw error("expected a string, found " + node.describe());
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
            ConfigDecoder.this.error(node.mark(), path, s.text() + " is a decimal number (0o"
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
