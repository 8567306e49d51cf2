package dev.apkofarm.client.cli;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The usage text of {@code apko-client} and of each subcommand, rendered by picocli from the real command model at
 * build time ({@code process-classes}, into the jar) so that {@code --help} can be printed without picocli building its
 * model by reflection, which took most of a {@code --help} run (docs/engineering.md, "Start-up").
 *
 * <p>The stored text can never be printed stale: it carries a CRC of every class file the model was read from (the
 * commands, their superclasses, mixins and argument groups, and picocli's own {@code CommandLine}), and a run whose
 * classes differ ({@code mvn compile} without this step, an IDE's incremental build) falls back to picocli. So do runs
 * that set a {@code picocli.*} system property (width, ANSI, ...). Whether to print the plain or the ANSI-coloured
 * text is picocli's own decision ({@link Help.Ansi#AUTO}), so the bytes are the ones picocli would print.
 * {@code StoredUsageTest} renders every form live and compares. Public only for the build step, {@link #main}.
 */
public final class StoredUsage {
  /** Where the text sits in the jar (and in target/classes). */
  static final String RESOURCE = "dev/apkofarm/client/cli/usage.bin";

  private static final int FORMAT = 1;

  /** The class path's files: the store and the class files its texts came from. */
  interface Resources {
    /** Opens the file {@code name}, or returns null when there is none. */
    InputStream open(String name) throws IOException;

    /** The CRC-32 of the file {@code name}'s bytes, or null when there is none. */
    default Long crc(String name) throws IOException {
      try (InputStream in = open(name)) {
        if (in == null) {
          return null;
        }
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[16384];
        for (int n; (n = in.read(buffer)) > 0; ) {
          crc.update(buffer, 0, n);
        }
        return crc.getValue();
      }
    }

    static Resources of(ClassLoader loader) {
      return loader::getResourceAsStream;
    }
  }

  /**
   * The jar a class was loaded from, read directly: a class loader finds each file through a URL and a connection,
   * which for the 30-odd class files the check reads cost a {@code --help} run 20-40 ms, while the jar's own index
   * has every file's CRC-32 (and the JDK shares one open index between the class loader and this).
   */
  static final class Jar implements Resources, AutoCloseable {
    private final ZipFile zip;

    Jar(Path jar) throws IOException {
      this.zip = new ZipFile(jar.toFile());
    }

    @Override
    public InputStream open(String name) throws IOException {
      ZipEntry entry = zip.getEntry(name);
      return entry == null ? null : zip.getInputStream(entry);
    }

    @Override
    public Long crc(String name) {
      ZipEntry entry = zip.getEntry(name);
      return entry == null || entry.getCrc() < 0 ? null : entry.getCrc();
    }

    @Override
    public void close() throws IOException {
      zip.close();
    }
  }

  private final Resources resources;

  StoredUsage(Resources resources) {
    this.resources = resources;
  }

  /**
   * The command whose usage {@code args} would ask for if its name is a subcommand's: "" for the root (no arguments,
   * {@code -h}, {@code --help}, {@code help}), NAME for {@code help NAME}, {@code NAME -h} and {@code NAME --help};
   * empty for anything else (which picocli parses). Names are checked against the stored texts, not the command
   * classes, whose annotations cost a {@code --help} run more than printing it.
   */
  static Optional<String> commandAskedFor(String... args) {
    if (args.length == 0) {
      return Optional.of("");
    }
    if (args.length == 1) {
      return isHelp(args[0]) || args[0].equals("help") ? Optional.of("") : Optional.empty();
    }
    if (args.length == 2) {
      if (args[0].equals("help") && !args[1].isEmpty() && !args[1].startsWith("-")) {
        return Optional.of(args[1]);
      }
      if (!args[0].isEmpty() && !args[0].startsWith("-") && !args[0].equals("help") && isHelp(args[1])) {
        return Optional.of(args[0]);
      }
    }
    return Optional.empty();
  }

  private static boolean isHelp(String arg) {
    return arg.equals("-h") || arg.equals("--help");
  }

  /**
   * The text picocli would print for {@code args} with {@code ansi} on or off, when {@code args} ask for a usage and
   * the stored text is there and current; otherwise empty.
   */
  Optional<String> text(boolean ansi, String... args) {
    Optional<String> command = commandAskedFor(args);
    if (command.isEmpty() || setsPicocliProperty()) {
      return Optional.empty();
    }
    try (InputStream in = resources.open(RESOURCE)) {
      return in == null ? Optional.empty() : Stored.find(in, resources, command.get(), ansi);
    } catch (IOException | RuntimeException unreadable) {
      // A damaged resource must not break --help: picocli answers instead.
      return Optional.empty();
    }
  }

  /**
   * Prints the usage {@code args} ask for to {@code stdout}, as picocli would, and returns true; returns false
   * (printing nothing) when picocli must answer.
   */
  static boolean print(PrintStream stdout, String... args) {
    if (commandAskedFor(args).isEmpty()) {
      return false;
    }
    Optional<String> text;
    boolean ansi = !certainlyPlain() && Help.Ansi.AUTO.enabled();
    try {
      text = new StoredUsage(runResources()).text(ansi, args);
    } catch (IOException unreadable) {
      text = Optional.empty();
    }
    if (text.isEmpty()) {
      return false;
    }
    // The writer picocli is given in ApkoClientCommand.run, so the bytes (charset, line ends) are the same.
    PrintWriter out = new PrintWriter(stdout, true);
    out.print(text.get());
    out.flush();
    return true;
  }

  /**
   * Whether picocli's {@link Help.Ansi#AUTO} is certain to print without colours, known without loading picocli's
   * {@code Help} (tens of milliseconds: a Java 5 class file, verified on every run): not on Windows (picocli's test:
   * "win" in {@code os.name}), no {@code CLICOLOR_FORCE}, no console (picocli's TTY test), and no {@code picocli.ansi}
   * (no {@code picocli.*} property at all reaches here). Anything else is asked of picocli.
   */
  static boolean certainlyPlain() {
    return !System.getProperty("os.name").toLowerCase().contains("win") && System.getenv("CLICOLOR_FORCE") == null
        && System.console() == null && System.getProperty("picocli.ansi") == null;
  }

  /** The jar file {@code c} was loaded from, or null when it came from elsewhere (a directory). */
  static Path jarOf(Class<?> c) {
    try {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null || !source.getLocation().getProtocol().equals("file")) {
        return null;
      }
      Path path = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(path) ? path : null;
    } catch (URISyntaxException | RuntimeException unusable) {
      return null;
    }
  }

  private static boolean setsPicocliProperty() {
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("picocli.")) {
        return true;
      }
    }
    return false;
  }

  /** The texts and the CRCs of the class files they were rendered from. */
  record Stored(Map<String, Long> classes, Map<String, String> plain, Map<String, String> ansi) {
    Stored {
      classes = Map.copyOf(classes);
      plain = Map.copyOf(plain);
      ansi = Map.copyOf(ansi);
      if (!plain.keySet().equals(ansi.keySet())) {
        throw new IllegalArgumentException("plain and ANSI texts of different commands");
      }
    }

    /** Whether every class file the texts came from is unchanged. */
    boolean current(Resources resources) throws IOException {
      return StoredUsage.current(classes, resources);
    }

    void write(OutputStream to) throws IOException {
      DataOutputStream out = new DataOutputStream(to);
      out.writeInt(FORMAT);
      out.writeInt(classes.size());
      for (Map.Entry<String, Long> c : new TreeMap<>(classes).entrySet()) {
        out.writeUTF(c.getKey());
        out.writeLong(c.getValue());
      }
      out.writeInt(plain.size());
      for (String command : new TreeMap<>(plain).keySet()) {
        out.writeUTF(command);
        writeText(out, plain.get(command));
        writeText(out, ansi.get(command));
      }
      out.flush();
    }

    static Stored read(InputStream from) throws IOException {
      DataInputStream in = new DataInputStream(from);
      Map<String, Long> classes = readClasses(in, RESOURCE);
      Map<String, String> plain = new LinkedHashMap<>();
      Map<String, String> ansi = new LinkedHashMap<>();
      for (int i = in.readInt(); i > 0; i--) {
        String command = in.readUTF();
        plain.put(command, readText(in));
        ansi.put(command, readText(in));
      }
      return new Stored(classes, plain, ansi);
    }

    /**
     * The text of {@code command} from the store {@code from}, plain or with ANSI colours, read without decoding the
     * others; empty when the store has none or is not {@link #current} (checked before any text is read).
     */
    static Optional<String> find(InputStream from, Resources resources, String command, boolean ansi)
        throws IOException {
      DataInputStream in = new DataInputStream(from);
      if (!StoredUsage.current(readClasses(in, RESOURCE), resources)) {
        return Optional.empty();
      }
      for (int i = in.readInt(); i > 0; i--) {
        boolean wanted = in.readUTF().equals(command);
        if (wanted && !ansi) {
          return Optional.of(readText(in));
        }
        in.skipNBytes(textLength(in));
        if (wanted) {
          return Optional.of(readText(in));
        }
        in.skipNBytes(textLength(in));
      }
      return Optional.empty();
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    private static int textLength(DataInputStream in) throws IOException {
      int length = in.readInt();
      if (length < 0 || length > 1 << 20) {
        throw new IOException("implausible text length " + length + " in " + RESOURCE);
      }
      return length;
    }

    private static String readText(DataInputStream in) throws IOException {
      byte[] bytes = new byte[textLength(in)];
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * The header both stored files begin with ({@link #RESOURCE} and {@link QuickParse#RESOURCE}): the format, then each
   * class the contents were read from with the CRC-32 of its class file, in the order written.
   *
   * @param what the file's name, for the error
   * @throws IOException when the format is another
   */
  static Map<String, Long> readClasses(DataInputStream in, String what) throws IOException {
    if (in.readInt() != FORMAT) {
      throw new IOException("unknown format of " + what);
    }
    Map<String, Long> classes = new LinkedHashMap<>();
    for (int i = in.readInt(); i > 0; i--) {
      classes.put(in.readUTF(), in.readLong());
    }
    return classes;
  }

  /** Whether the class file of every class in {@code classes} has the CRC-32 given with it in {@code resources}. */
  static boolean current(Map<String, Long> classes, Resources resources) throws IOException {
    for (Map.Entry<String, Long> c : classes.entrySet()) {
      Long crc = resources.crc(classFile(c.getKey()));
      if (crc == null || crc.longValue() != c.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The class file of {@code className}. */
  static String classFile(String className) {
    return className.replace('.', '/') + ".class";
  }

  /** Renders every usage text from the fully built command model, as picocli prints it for {@code NAME --help}. */
  static Stored render(Resources resources) throws IOException {
    Map<String, String> plain = new TreeMap<>();
    Map<String, String> ansi = new TreeMap<>();
    List<String> commands = new ArrayList<>();
    commands.add("");
    for (Class<?> command : ApkoClientCommand.SUBCOMMANDS) {
      commands.add(command.getAnnotation(CommandLine.Command.class).name());
    }
    for (String command : commands) {
      String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
      plain.put(command, live(Help.Ansi.OFF, args));
      ansi.put(command, live(Help.Ansi.ON, args));
    }
    Map<String, Long> classes = new TreeMap<>();
    classes.put(CommandLine.class.getName(), null);
    modelClasses(fullCommandLine(new StringWriter(), Help.Ansi.OFF).getCommandSpec(), classes);
    for (String name : classes.keySet()) {
      Long crc = resources.crc(classFile(name));
      if (crc == null) {
        throw new IOException("no class file for " + name);
      }
      classes.put(name, crc);
    }
    return new Stored(classes, plain, ansi);
  }

  /** What picocli prints for {@code args} on the fully built command line with {@code ansi}. */
  static String live(Help.Ansi ansi, String... args) {
    StringWriter out = new StringWriter();
    int exit = fullCommandLine(out, ansi).execute(args);
    if (exit != 0) {
      throw new IllegalStateException("apko-client " + String.join(" ", args) + " exited " + exit);
    }
    return out.toString();
  }

  private static CommandLine fullCommandLine(StringWriter out, Help.Ansi ansi) {
    CommandLine cl = ApkoClientCommand.newCommandLine(new PrintWriter(out, true),
        new PrintWriter(OutputStream.nullOutputStream(), true), Map.of(), null);
    cl.setColorScheme(Help.defaultColorScheme(ansi));
    return cl;
  }

  /** Adds the classes whose annotations make up {@code spec} (and its subcommands) to {@code into}. */
  private static void modelClasses(CommandSpec spec, Map<String, Long> into) {
    Object user = spec.userObject();
    if (user != null) {
      for (Class<?> c = user.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
        into.put(c.getName(), null);
      }
    }
    for (CommandSpec mixin : spec.mixins().values()) {
      modelClasses(mixin, into);
    }
    for (ArgGroupSpec group : spec.argGroups()) {
      groupClasses(group, into);
    }
    for (CommandLine sub : spec.subcommands().values()) {
      modelClasses(sub.getCommandSpec(), into);
    }
  }

  private static void groupClasses(ArgGroupSpec group, Map<String, Long> into) {
    if (group.typeInfo() != null) {
      into.put(group.typeInfo().getType().getName(), null);
    }
    for (ArgGroupSpec sub : group.subgroups()) {
      groupClasses(sub, into);
    }
  }

  /**
   * The jar this process reads its tables from, left open: the JDK shares one index of a jar among all its open
   * readers, so the class loader's later lookups in it (slf4j-simple's for its properties file) read no second one.
   */
  private static Resources runResources;

  /**
   * Where this run reads its stored texts and tables, chosen once: the file beside the jar ({@link JarSidecar}) when it
   * was written for this jar, else the jar itself, kept open (the JDK shares its index with the class loader), else,
   * for classes from a directory (an IDE, a test run), the class loader.
   */
  static synchronized Resources runResources() throws IOException {
    if (runResources == null) {
      Path jar = jarOf(StoredUsage.class);
      if (jar == null) {
        runResources = Resources.of(StoredUsage.class.getClassLoader());
      } else {
        Optional<JarSidecar> beside = JarSidecar.beside(jar);
        runResources = beside.isPresent() ? beside.get() : new Jar(jar);
      }
    }
    return runResources;
  }

  /**
   * The parse tables of {@link QuickParse} for the commands {@code wanted} accepts, when they are there and were read
   * from the classes this run has (the same CRCs as the usage texts); empty otherwise, and when a {@code picocli.*}
   * property may change how picocli parses.
   */
  static Optional<QuickParse> quickTables(java.util.function.Predicate<String> wanted) {
    if (setsPicocliProperty()) {
      return Optional.empty();
    }
    try {
      return quickTables(runResources(), wanted);
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty(); // picocli parses instead
    }
  }

  static Optional<QuickParse> quickTables(Resources resources, java.util.function.Predicate<String> wanted)
      throws IOException {
    try (InputStream in = resources.open(QuickParse.RESOURCE)) {
      if (in == null) {
        return Optional.empty();
      }
      DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in));
      if (!current(readClasses(data, QuickParse.RESOURCE), resources)) {
        return Optional.empty();
      }
      return Optional.of(QuickParse.read(data, wanted));
    }
  }

  /**
   * The build steps: {@code CLASSES_DIR} writes the stored usage, and {@link QuickParse}'s tables under the same CRCs,
   * into the class output directory; {@code --beside JAR} then copies both beside the fat jar ({@link JarSidecar}).
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--beside")) {
      // The package step: copies of both resources beside the jar just built (JarSidecar).
      JarSidecar.write(Path.of(args[1]), List.of(RESOURCE, QuickParse.RESOURCE));
      return;
    }
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: StoredUsage CLASSES_DIR | StoredUsage --beside JAR");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Stored stored = render(Resources.of(StoredUsage.class.getClassLoader()));
    stored.write(bytes);
    write(Path.of(args[0]).resolve(RESOURCE), bytes.toByteArray());
    ByteArrayOutputStream tables = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(tables);
    out.writeInt(FORMAT);
    out.writeInt(stored.classes().size());
    for (Map.Entry<String, Long> c : new TreeMap<>(stored.classes()).entrySet()) {
      out.writeUTF(c.getKey());
      out.writeLong(c.getValue());
    }
    QuickParse.of(fullCommandLine(new StringWriter(), Help.Ansi.OFF)).write(out);
    write(Path.of(args[0]).resolve(QuickParse.RESOURCE), tables.toByteArray());
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
