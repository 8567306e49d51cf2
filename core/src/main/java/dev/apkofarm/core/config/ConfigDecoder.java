package dev.apkofarm.core.config;

import dev.apkofarm.core.config.TreeReader.Located;
import dev.apkofarm.core.config.TreeReader.Obj;
import dev.apkofarm.core.config.YamlTree.Mark;
import dev.apkofarm.core.config.YamlTree.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns the YAML tree of one config file into an {@link ImageConfig} (not yet merged with its include, not yet
 * normalised), checking names and types field by field so each error carries its position and field path. Follows
 * apko's decoding: unknown keys are errors, a null value is the same as an absent key, any scalar is accepted where a
 * string is expected (its text as written), integers are Go literals ({@code 0o755}, {@code 0755}, {@code 0x1ed},
 * {@code 493}).
 */
final class ConfigDecoder {
  private final TreeReader reader;

  private ConfigDecoder(String file) {
    this.reader = new TreeReader(file);
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
    return new Decoded(file, config, config.include(), d.reader.marks(), d.reader.warnings());
  }

  private ImageConfig.Builder top(Node root) throws ConfigException {
    Obj o =
        reader.obj(
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
    b.workDir(o.string("work-dir", ConfigNames::workDirProblem));
    Optional<Obj> accounts = o.obj("accounts", "run-as", "users", "groups");
    if (accounts.isPresent()) {
      b.accounts(accounts(accounts.get()));
    }
    b.archs(archs(o));
    b.environment(o.stringMap("environment", ConfigNames::envKeyProblem));
    b.paths(o.list("paths", this::pathMutation));
    b.vcsUrl(o.string("vcs-url"));
    b.annotations(o.stringMap("annotations", ConfigNames::labelKeyProblem));
    b.include(o.string("include").filter(s -> !s.isEmpty()));
    b.volumes(o.strings("volumes", ConfigNames::lineProblem));
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
        o.strings("keyring", ConfigNames::lineProblem),
        runtimeKeyring(o),
        o.strings("packages", ConfigNames::packageEntryProblem),
        baseImage);
  }

  // apko trims trailing slashes of repositories and accepts "URL" or "@tag URL".
  private List<String> repositories(Obj o, String key) throws ConfigException {
    List<String> out = new ArrayList<>();
    List<Located> items = o.items(key);
    for (Located item : items) {
      String repo = item.string(ConfigNames::lineProblem);
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

  private List<RuntimeKey> runtimeKeyring(Obj o) throws ConfigException {
    List<RuntimeKey> keys = new ArrayList<>();
    Map<String, Mark> seen = new HashMap<>();
    for (Located item : o.items("runtime_keyring")) {
      RuntimeKey key = runtimeKey(item);
      Mark first = seen.putIfAbsent(key.name(), item.node.mark());
      if (first != null) {
        throw item.error("duplicate name \"" + key.name() + "\" (first at line " + first.line() + ")");
      }
      keys.add(key);
    }
    return keys;
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
    Optional<String> runAs =
        o.string("run-as", r -> r.isEmpty() ? null : ConfigNames.runAsProblem(r)).filter(s -> !s.isEmpty());
    List<User> users = o.list("users", this::user);
    List<Group> groups = o.list("groups", this::group);
    return new Accounts(runAs, users, groups);
  }

  private User user(Located item) throws ConfigException {
    Obj o = item.obj("username", "uid", "gid", "shell", "homedir");
    String name = o.required("username").string(ConfigNames::accountNameProblem);
    Located uidField = o.required("uid");
    long uid = uidField.uint32();
    if (uid == 0) {
      throw uidField.error("must not be 0 (to run as root, use run-as: 0)");
    }
    OptionalLong gid = o.uint32("gid");
    Optional<String> shell = o.string("shell", ConfigNames::accountFieldProblem).filter(s -> !s.isEmpty());
    String homedir = o.string("homedir", ConfigNames::accountFieldProblem).orElse("");
    return item.build(() -> new User(name, uid, gid, shell, homedir));
  }

  private Group group(Located item) throws ConfigException {
    Obj o = item.obj("groupname", "gid", "members");
    String name = o.required("groupname").string(ConfigNames::accountNameProblem);
    long gid = o.uint32("gid").orElse(0);
    List<String> members = new ArrayList<>();
    for (Located member : o.items("members")) {
      members.add(member.string(ConfigNames::accountNameProblem));
    }
    return item.build(() -> new Group(name, gid, members));
  }

  private PathMutation pathMutation(Located item) throws ConfigException {
    Obj o = item.obj("path", "type", "uid", "gid", "permissions", "source", "recursive");
    String path = o.required("path").string(ConfigNames::lineProblem);
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
    Optional<String> source = o.string("source", ConfigNames::lineProblem).filter(s -> !s.isEmpty());
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
}
