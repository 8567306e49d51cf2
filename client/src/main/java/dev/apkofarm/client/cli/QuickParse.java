package dev.apkofarm.client.cli;

import dev.apkofarm.client.embedded.EmbeddedFarm;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The common command lines parsed without picocli: building picocli's model by reflection over the annotations was
 * about a quarter of a short build's wall time (docs/engineering.md, "Start-up"). The tables it parses with are
 * picocli's own model, read at build time into the jar beside the stored usage texts ({@link StoredUsage}), under the
 * same CRCs of the classes it came from, so they are never stale. Only what is certain is parsed here: options by
 * their exact names or {@code --name=value}, flags, single values, split lists and positional parameters. Anything
 * else (help, a negated or optional-value flag, {@code --}, {@code @files}, a clustered or unknown option, a value that
 * looks like an option, a repeated single option, a missing required argument, a type or default without a plain
 * conversion) is left to picocli, which then parses the whole command line and says what is wrong. {@code
 * QuickParseTest} checks that what this builds equals what picocli builds, option by option.
 */
final class QuickParse {
  static final String RESOURCE = "dev/apkofarm/client/cli/quick.bin";
  private static final int FORMAT = 1;

  /** How a value (given or default) is converted; {@link #HELP} and {@link #OTHER} are left to picocli. */
  enum Kind {
    STRING, PATH, INT, LONG, BOOLEAN, STRINGS, PATHS, HELP, OTHER;

    boolean list() {
      return this == STRINGS || this == PATHS;
    }
  }

  /**
   * One option or positional parameter of a command.
   *
   * @param names an option's names; empty for a positional parameter
   * @param from a positional parameter's first index
   * @param to its last index, -1 for no limit
   * @param quick whether a command line that gives it can be parsed here (a boolean only as a plain flag, a list
   *     option one value at a time); its default is applied here whenever its kind converts
   * @param split the regex a list value is split on, "" for none
   * @param defaultValue picocli's default, applied when the argument is not given; null for none
   * @param owner the object it sets: "" the command, a dotted path of mixin fields, or {@code @root}
   * @param member the field or method (one String parameter) it sets
   */
  record Arg(List<String> names, int from, int to, int arityMin, int arityMax, Kind kind, boolean quick, String split,
      String defaultValue, boolean required, String owner, String member, boolean method) {
    Arg {
      names = List.copyOf(names);
    }

    boolean option() {
      return !names.isEmpty();
    }
  }

  /** A command's table; {@code supported} false when a default it would have to apply needs picocli. */
  record Command(String name, String className, boolean supported, List<String> mixins, List<Arg> args) {
    Command {
      mixins = List.copyOf(mixins);
      args = List.copyOf(args);
    }
  }

  private final Map<String, Command> commands;

  QuickParse(Map<String, Command> commands) {
    this.commands = Map.copyOf(commands);
  }

  Map<String, Command> commands() {
    return commands;
  }

  // ---- build time -------------------------------------------------------------------------------------------------

  /** The tables of the root ("") and every subcommand of {@code root}, a fully built command line. */
  static QuickParse of(CommandLine root) {
    Map<String, Command> commands = new LinkedHashMap<>();
    commands.put("", command("", root.getCommandSpec()));
    for (Map.Entry<String, CommandLine> sub : root.getSubcommands().entrySet()) {
      if (!sub.getKey().equals("help")) {
        commands.put(sub.getKey(), command(sub.getKey(), sub.getValue().getCommandSpec()));
      }
    }
    return new QuickParse(commands);
  }

  private static Command command(String name, CommandSpec spec) {
    Object user = spec.userObject();
    Map<Object, String> paths = new IdentityHashMap<>();
    List<String> mixins = new ArrayList<>();
    paths.put(user, "");
    mixinPaths(user, "", paths, mixins);
    boolean supported = spec.defaultValueProvider() == null && spec.argGroups().isEmpty()
        && injectsOnlyWhatRunsWithoutSpec(paths.keySet());
    List<Arg> args = new ArrayList<>();
    for (ArgSpec a : spec.args()) {
      Arg arg = arg(a, user, paths);
      args.add(arg);
      if (arg.defaultValue() != null && (arg.kind() == Kind.OTHER || arg.kind() == Kind.HELP)) {
        supported = false; // a default only picocli can convert
      }
    }
    return new Command(name, user.getClass().getName(), supported, mixins, args);
  }

  /** The classes whose code reads a picocli spec only when there is one (the root and writers then come otherwise). */
  private static final java.util.Set<Class<?>> RUN_WITHOUT_SPEC =
      java.util.Set.of(ApkoClientCommand.class, ClientCommand.class, BuildSettings.class);

  /**
   * Whether every {@code @Spec} and {@code @ParentCommand} field of the command's objects is one this parser stands
   * in for: a spec field of a class that runs without one, a parent that is the root (set by type).
   */
  private static boolean injectsOnlyWhatRunsWithoutSpec(java.util.Collection<Object> objects) {
    for (Object o : objects) {
      for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (f.isAnnotationPresent(CommandLine.Spec.class) && !RUN_WITHOUT_SPEC.contains(c)
              || f.isAnnotationPresent(CommandLine.ParentCommand.class) && f.getType() != ApkoClientCommand.class) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Records, depth first, the path of every mixin picocli made below {@code object} (found by identity). */
  private static void mixinPaths(Object object, String path, Map<Object, String> paths, List<String> mixins) {
    for (Class<?> c = object.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (f.isAnnotationPresent(CommandLine.Mixin.class)) {
          f.setAccessible(true);
          Object mixin = get(f, object);
          String p = path.isEmpty() ? f.getName() : path + "." + f.getName();
          paths.put(mixin, p);
          mixins.add(p);
          mixinPaths(mixin, p, paths, mixins);
        }
      }
    }
  }

  private static Arg arg(ArgSpec a, Object command, Map<Object, String> paths) {
    List<String> names = a instanceof OptionSpec o ? List.of(o.names()) : List.of();
    int from = 0;
    int to = 0;
    if (a instanceof PositionalParamSpec p) {
      from = p.index().min();
      to = p.index().isVariable() || p.index().isUnspecified() || p.index().isUnresolved() ? -1 : p.index().max();
    }
    Kind kind = kind(a);
    String owner = "";
    String member = "";
    boolean method = false;
    Object user = a.userObject();
    if (a.inherited()) {
      owner = "@root";
    }
    if (user instanceof Field f) {
      member = f.getName();
      if (!a.inherited()) {
        owner = ownerOf(f.getDeclaringClass(), paths);
      }
    } else if (user instanceof Method m && m.getParameterCount() == 1 && m.getParameterTypes()[0] == String.class) {
      member = m.getName();
      method = true;
      if (!a.inherited()) {
        owner = ownerOf(m.getDeclaringClass(), paths);
      }
    } else {
      kind = kind == Kind.HELP ? Kind.HELP : Kind.OTHER;
    }
    if (owner == null) {
      kind = Kind.OTHER;
      owner = "";
    }
    int max = a.arity().isVariable() ? -1 : a.arity().max();
    String split = a.splitRegex() == null ? "" : a.splitRegex();
    return new Arg(names, from, to, a.arity().min(), max, kind, quick(a, kind), split, a.defaultValue(), a.required(),
        owner, member, method);
  }

  /** The path of the one object in the command's graph whose class declares a member of {@code declaring}. */
  private static String ownerOf(Class<?> declaring, Map<Object, String> paths) {
    String found = null;
    for (Map.Entry<Object, String> e : paths.entrySet()) {
      if (declaring.isAssignableFrom(e.getKey().getClass())) {
        if (found != null) {
          return null; // two candidates: picocli's binding cannot be told from the class alone
        }
        found = e.getValue();
      }
    }
    return found;
  }

  private static Kind kind(ArgSpec a) {
    if (a instanceof OptionSpec o && (o.usageHelp() || o.versionHelp())) {
      return Kind.HELP;
    }
    if (a.interactive() || a.converters().length > 0
        || a.defaultValue() != null && a.defaultValue().contains("${")) {
      return Kind.OTHER;
    }
    Class<?> type = a.type();
    Class<?>[] aux = a.auxiliaryTypes();
    if (type == String.class) {
      return Kind.STRING;
    }
    if (type == Path.class) {
      return Kind.PATH;
    }
    if (type == int.class || type == Integer.class) {
      return Kind.INT;
    }
    if (type == long.class || type == Long.class) {
      return Kind.LONG;
    }
    if (type == boolean.class || type == Boolean.class) {
      return Kind.BOOLEAN;
    }
    if (type == List.class && aux.length == 1 && aux[0] == String.class) {
      return Kind.STRINGS;
    }
    if (type == List.class && aux.length == 1 && aux[0] == Path.class) {
      return Kind.PATHS;
    }
    return Kind.OTHER;
  }

  /** Whether a command line giving {@code a} can be parsed here (see {@link Arg#quick}). */
  private static boolean quick(ArgSpec a, Kind kind) {
    int min = a.arity().min();
    int max = a.arity().isVariable() ? -1 : a.arity().max();
    switch (kind) {
      case BOOLEAN:
        return a instanceof OptionSpec o && !o.negatable() && min == 0 && max == 0;
      case STRINGS:
      case PATHS:
        return a.isOption() ? min == 1 && max == 1 : a.splitRegex() == null || a.splitRegex().isEmpty();
      case HELP:
      case OTHER:
        return false;
      default:
        return (min == 1 || min == 0 && !a.isOption()) && max == 1; // a positional one may be optional
    }
  }

  /** Each command's table after its name and length, so a run reads only the ones it may need. */
  void write(OutputStream to) throws IOException {
    DataOutputStream out = new DataOutputStream(to);
    out.writeInt(FORMAT);
    out.writeInt(commands.size());
    for (Command c : commands.values()) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      writeCommand(new DataOutputStream(bytes), c);
      out.writeUTF(c.name());
      out.writeInt(bytes.size());
      bytes.writeTo(out);
    }
    out.flush();
  }

  private static void writeCommand(DataOutputStream out, Command c) throws IOException {
    out.writeUTF(c.className());
    out.writeBoolean(c.supported());
    out.writeInt(c.mixins().size());
    for (String m : c.mixins()) {
      out.writeUTF(m);
    }
    out.writeInt(c.args().size());
    for (Arg a : c.args()) {
      out.writeInt(a.names().size());
      for (String n : a.names()) {
        out.writeUTF(n);
      }
      out.writeInt(a.from());
      out.writeInt(a.to());
      out.writeInt(a.arityMin());
      out.writeInt(a.arityMax());
      out.writeUTF(a.kind().name());
      out.writeBoolean(a.quick());
      out.writeUTF(a.split());
      out.writeBoolean(a.defaultValue() != null);
      out.writeUTF(a.defaultValue() == null ? "" : a.defaultValue());
      out.writeBoolean(a.required());
      out.writeUTF(a.owner());
      out.writeUTF(a.member());
      out.writeBoolean(a.method());
    }
    out.flush();
  }

  /** The tables of the commands {@code wanted} accepts (by name; the root's is ""), the others skipped unread. */
  static QuickParse read(InputStream stream, java.util.function.Predicate<String> wanted) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != FORMAT) {
      throw new IOException("unknown format of " + RESOURCE);
    }
    Map<String, Command> commands = new HashMap<>();
    for (int i = in.readInt(); i > 0; i--) {
      String name = in.readUTF();
      int length = in.readInt();
      if (length < 0 || length > 1 << 20) {
        throw new IOException("implausible table length " + length + " in " + RESOURCE);
      }
      if (wanted.test(name)) {
        commands.put(name, readCommand(in, name));
      } else {
        in.skipNBytes(length);
      }
    }
    return new QuickParse(commands);
  }

  private static Command readCommand(DataInputStream in, String name) throws IOException {
    String className = in.readUTF();
    boolean supported = in.readBoolean();
    List<String> mixins = new ArrayList<>();
    for (int m = in.readInt(); m > 0; m--) {
      mixins.add(in.readUTF());
    }
    List<Arg> args = new ArrayList<>();
    for (int a = in.readInt(); a > 0; a--) {
      List<String> names = new ArrayList<>();
      for (int n = in.readInt(); n > 0; n--) {
        names.add(in.readUTF());
      }
      int from = in.readInt();
      int to = in.readInt();
      int min = in.readInt();
      int max = in.readInt();
      Kind kind = Kind.valueOf(in.readUTF());
      boolean quick = in.readBoolean();
      String split = in.readUTF();
      boolean hasDefault = in.readBoolean();
      String defaultValue = in.readUTF();
      args.add(new Arg(names, from, to, min, max, kind, quick, split, hasDefault ? defaultValue : null, in.readBoolean(),
          in.readUTF(), in.readUTF(), in.readBoolean()));
    }
    return new Command(name, className, supported, mixins, args);
  }

  // ---- run time ---------------------------------------------------------------------------------------------------

  /** What a command line parsed to: the root and the subcommand, ready to run. */
  record Parsed(ApkoClientCommand root, Callable<?> command) {}

  /**
   * Runs {@code args} when they can be parsed here, returning the exit code; empty (having run nothing) when picocli
   * must parse them.
   */
  static OptionalInt execute(PrintWriter out, PrintWriter err, Map<String, String> environment,
      EmbeddedFarm.Engines engines, String... args) {
    // Only the root's table and those of commands some argument names.
    java.util.Set<String> named = new java.util.HashSet<>(java.util.Arrays.asList(args));
    named.add("");
    Optional<QuickParse> tables = StoredUsage.quickTables(named::contains);
    if (tables.isEmpty()) {
      return OptionalInt.empty();
    }
    Optional<Parsed> parsed = tables.get().parse(out, err, environment, engines, args);
    if (parsed.isEmpty()) {
      return OptionalInt.empty();
    }
    ApkoClientCommand root = parsed.get().root();
    int exit;
    try {
      Object result = parsed.get().command().call();
      exit = result instanceof Integer code ? code : 0;
    } catch (Exception e) {
      exit = ApkoClientCommand.failed(e, err, root.debug());
    }
    out.flush();
    err.flush();
    return OptionalInt.of(exit);
  }

  /** The root and command {@code args} make, or empty when picocli must parse them. */
  Optional<Parsed> parse(PrintWriter out, PrintWriter err, Map<String, String> environment,
      EmbeddedFarm.Engines engines, String... args) {
    Command root = commands.get("");
    if (root == null) {
      return Optional.empty();
    }
    // By identity: an Arg is one entry of the table, and a record's own hashCode bootstraps method handles, which
    // spun some twenty lambda forms (15 ms) in a short run.
    Map<Arg, List<String>> rootGiven = new IdentityHashMap<>();
    int i = 0;
    while (i < args.length && args[i].startsWith("-")) {
      i = option(root, args, i, rootGiven);
      if (i < 0) {
        return Optional.empty();
      }
    }
    if (i >= args.length) {
      return Optional.empty();
    }
    Command command = commands.get(args[i]);
    if (command == null || command.name().isEmpty() || !command.supported() || !root.supported()) {
      return Optional.empty();
    }
    Map<Arg, List<String>> given = new IdentityHashMap<>();
    List<String> positionals = new ArrayList<>();
    for (i++; i < args.length; ) {
      String a = args[i];
      if (a.startsWith("@") || a.equals("--") || a.equals("-")) {
        return Optional.empty();
      }
      if (a.startsWith("-")) {
        i = option(command, args, i, given);
        if (i < 0) {
          return Optional.empty();
        }
      } else {
        positionals.add(a);
        i++;
      }
    }
    if (!positionals(command, positionals, given) || !requiredGiven(command, given)
        || !requiredGiven(root, rootGiven)) {
      return Optional.empty();
    }
    for (Arg a : given.keySet()) {
      for (Arg r : rootGiven.keySet()) {
        if (a.owner().equals("@root") && a.names().equals(r.names())) {
          return Optional.empty(); // a root option given before and after the command: picocli decides
        }
      }
    }
    try {
      ApkoClientCommand r = ApkoClientCommand.root(out, err, environment, engines);
      Object c = Class.forName(command.className()).getDeclaredConstructor().newInstance();
      Map<String, Object> owners = new HashMap<>();
      owners.put("", c);
      owners.put("@root", r);
      for (String path : command.mixins()) {
        int dot = path.lastIndexOf('.');
        Object parent = owners.get(dot < 0 ? "" : path.substring(0, dot));
        Field f = field(parent.getClass(), path.substring(dot + 1));
        Object mixin = f.get(parent);
        if (mixin == null) {
          mixin = f.getType().getDeclaredConstructor().newInstance();
          f.set(parent, mixin);
        }
        owners.put(path, mixin);
      }
      for (Object owner : owners.values()) {
        setRoot(owner, r);
      }
      // The root's arguments given before the command, then the command's own (inherited root options among them).
      Map<String, Object> rootOwners = Map.of("", r, "@root", r);
      if (!apply(root, rootGiven, rootOwners) || !apply(command, given, owners)) {
        return Optional.empty();
      }
      if (!(c instanceof Callable<?> callable)) {
        return Optional.empty();
      }
      return Optional.of(new Parsed(r, callable));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return Optional.empty(); // a table that does not fit the classes: picocli parses
    }
  }

  /**
   * Reads the option at {@code args[i]} (and its value) into {@code given}; returns the next index, or -1 when
   * picocli must parse.
   */
  private static int option(Command command, String[] args, int i, Map<Arg, List<String>> given) {
    String token = args[i];
    Arg arg = byName(command, token);
    String attached = null;
    if (arg == null && token.startsWith("--") && token.indexOf('=') > 2) {
      int eq = token.indexOf('=');
      arg = byName(command, token.substring(0, eq));
      attached = token.substring(eq + 1);
    }
    // (A root option given after the command, picocli's inherited scope, is in the command's own table.)
    if (arg == null || !arg.quick()) {
      return -1;
    }
    List<String> values = given.computeIfAbsent(arg, k -> new ArrayList<>());
    if (arg.kind() == Kind.BOOLEAN) {
      if (attached != null || !values.isEmpty()) {
        return -1;
      }
      values.add("true");
      return i + 1;
    }
    String value = attached;
    int next = i + 1;
    if (value == null) {
      if (next >= args.length || args[next].startsWith("-") || args[next].startsWith("@")) {
        return -1;
      }
      value = args[next++];
    }
    boolean list = arg.kind().list();
    if (!list && !values.isEmpty()) {
      return -1; // picocli refuses a single option given twice
    }
    if (list) {
      if (value.indexOf('"') >= 0 || value.indexOf('\'') >= 0) {
        return -1; // picocli keeps quoted parts together
      }
      for (String part : arg.split().isEmpty() ? new String[] {value} : value.split(arg.split(), -1)) {
        if (part.isEmpty()) {
          return -1; // how picocli splits empty parts is picocli's
        }
        values.add(part);
      }
    } else {
      values.add(value);
    }
    return next;
  }

  private static Arg byName(Command command, String name) {
    for (Arg a : command.args()) {
      if (a.names().contains(name)) {
        return a;
      }
    }
    return null;
  }

  /** Assigns the positional values to the command's positional parameters; false when picocli must. */
  private static boolean positionals(Command command, List<String> values, Map<Arg, List<String>> given) {
    boolean[] taken = new boolean[values.size()];
    for (Arg a : command.args()) {
      if (a.option()) {
        continue;
      }
      if (!a.quick()) {
        if (values.size() > a.from()) {
          return false;
        }
        continue;
      }
      boolean list = a.kind().list();
      if (!list && a.to() != a.from()) {
        return false;
      }
      List<String> mine = new ArrayList<>();
      for (int k = a.from(); k < values.size() && (a.to() < 0 || k <= a.to()); k++) {
        if (taken[k] && !list) {
          return false;
        }
        taken[k] = true;
        mine.add(values.get(k));
      }
      if (mine.size() < a.arityMin() || !list && mine.size() > a.arityMax()) {
        return false;
      }
      if (!mine.isEmpty()) {
        given.put(a, mine);
      }
    }
    for (boolean t : taken) {
      if (!t) {
        return false; // an extra argument: picocli's error
      }
    }
    return true;
  }

  private static boolean requiredGiven(Command command, Map<Arg, List<String>> given) {
    for (Arg a : command.args()) {
      if (a.option() && a.required() && !given.containsKey(a)) {
        return false;
      }
    }
    return true;
  }

  /** Sets what was given, and the defaults of what was not; false when a value has no plain conversion. */
  private static boolean apply(Command command, Map<Arg, List<String>> given, Map<String, Object> owners)
      throws ReflectiveOperationException {
    for (Arg a : command.args()) {
      List<String> values = given.get(a);
      if (values == null) {
        if (a.defaultValue() == null || a.owner().equals("@root") && !command.name().isEmpty()) {
          continue; // the root's defaults are applied with the root
        }
        values = splitDefault(a);
      }
      Object owner = owners.get(a.owner());
      if (owner == null) {
        return false;
      }
      Optional<Object> value = convert(a, values);
      if (value.isEmpty()) {
        return false;
      }
      if (a.method()) {
        Method m = method(owner.getClass(), a.member());
        try {
          m.invoke(owner, (String) value.get());
        } catch (InvocationTargetException refused) {
          return false; // the setter refused the value: picocli reports it
        }
      } else {
        field(owner.getClass(), a.member()).set(owner, value.get());
      }
    }
    return true;
  }

  private static List<String> splitDefault(Arg a) {
    List<String> values = new ArrayList<>();
    if (a.kind().list() && !a.split().isEmpty()) {
      values.addAll(List.of(a.defaultValue().split(a.split(), -1)));
    } else {
      values.add(a.defaultValue());
    }
    return values;
  }

  private static Optional<Object> convert(Arg a, List<String> values) {
    try {
      switch (a.kind()) {
        case STRING:
          return Optional.of(values.get(0));
        case PATH:
          return Optional.of(Path.of(values.get(0)));
        case INT:
          return decimal(values.get(0)) ? Optional.of(Integer.parseInt(values.get(0))) : Optional.empty();
        case LONG:
          return decimal(values.get(0)) ? Optional.of(Long.parseLong(values.get(0))) : Optional.empty();
        case BOOLEAN:
          String v = values.get(0);
          return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")
              ? Optional.of(Boolean.parseBoolean(v)) : Optional.empty();
        case STRINGS:
          return Optional.of(new ArrayList<Object>(values));
        case PATHS:
          List<Object> paths = new ArrayList<>();
          for (String s : values) {
            paths.add(Path.of(s));
          }
          return Optional.of(paths);
        default:
          return Optional.empty();
      }
    } catch (InvalidPathException | NumberFormatException unconvertible) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code s} is a plain decimal ({@code -?(0|[1-9][0-9]*)}), which picocli and this read alike (picocli
   * also reads other forms, such as a leading zero as octal). A loop, not a regex: compiling one cost a short run 5 ms.
   */
  private static boolean decimal(String s) {
    int start = s.startsWith("-") ? 1 : 0;
    if (s.length() == start || s.length() > start + 19 || s.charAt(start) == '0' && s.length() > start + 1) {
      return false;
    }
    for (int k = start; k < s.length(); k++) {
      if (s.charAt(k) < '0' || s.charAt(k) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Sets every field of type {@link ApkoClientCommand} of {@code owner} (the root a command or mixin reads). */
  private static void setRoot(Object owner, ApkoClientCommand root) throws IllegalAccessException {
    if (owner == root) {
      return;
    }
    for (Class<?> c = owner.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (f.getType() == ApkoClientCommand.class) {
          f.setAccessible(true);
          f.set(owner, root);
        }
      }
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException next) {
        // a superclass's
      }
    }
    throw new NoSuchFieldException(type.getName() + "." + name);
  }

  private static Method method(Class<?> type, String name) throws NoSuchMethodException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Method m = c.getDeclaredMethod(name, String.class);
        m.setAccessible(true);
        return m;
      } catch (NoSuchMethodException next) {
        // a superclass's
      }
    }
    throw new NoSuchMethodException(type.getName() + "." + name + "(String)");
  }

  private static Object get(Field f, Object owner) {
    try {
      return f.get(owner);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
