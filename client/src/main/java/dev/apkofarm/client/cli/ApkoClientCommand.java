package dev.apkofarm.client.cli;

import dev.apkofarm.client.embedded.EmbeddedFarm;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.InputText;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root {@code apko-client} command: global options and the list of subcommands. */
@Command(
    name = "apko-client",
    mixinStandardHelpOptions = true,
    versionProvider = ApkoClientCommand.Version.class,
    description = "Build OCI images from APK packages, locally or on an apko-farm.")
public final class ApkoClientCommand implements Runnable {
  /**
   * The subcommands, in the order {@code --help} lists them (then {@code help}). Added by {@link #newCommandLine}
   * rather than named in the annotation, so a process can build only the ones its arguments name.
   */
  static final List<Class<?>> SUBCOMMANDS = List.of(
      BuildCommand.class,
      BuildMinirootfsCommand.class,
      BuildCpioCommand.class,
      PublishCommand.class,
      LockCommand.class,
      ShowConfigCommand.class,
      ShowPackagesCommand.class,
      DotCommand.class,
      InstallKeysCommand.class,
      CleanCommand.class,
      PackCommand.class,
      IndexCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      WatchCommand.class,
      CancelCommand.class,
      ServeCommand.class,
      VersionCommand.class);

  /** Exit code for a failure of the build or the machine. */
  public static final int EXIT_FAILURE = 1;
  /** Exit code for bad input: a config, package, key or argument the user must fix. */
  public static final int EXIT_BAD_INPUT = 2;

  @Option(
      names = {"-C", "--workdir"},
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "Run as if started in DIR: relative arguments and the relative repository and keyring paths of a config"
              + " resolve against it.")
  Path directory;

  String logLevel;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      scope = ScopeType.INHERIT,
      defaultValue = "info",
      description = "error, warn, info, debug (default: ${DEFAULT-VALUE}).")
  void logLevel(String level) {
    if (!List.of("error", "warn", "info", "debug", "trace").contains(level)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--log-level \"" + level + "\": expected error, warn, info or debug");
    }
    logLevel = level;
    // slf4j-simple reads its level once, when the first logger is made: after parsing, in a CLI process.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
  }

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Show stack traces of errors.")
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The process environment the commands read (SOURCE_DATE_EPOCH, ...): injected, so tests can set their own. */
  private Map<String, String> environment = System.getenv();

  /**
   * The engines {@code submit}'s embedded farm runs: stand-ins a test injects, or null for core's. Null rather than
   * {@link EmbeddedFarm.Engines#CORE} so that a command without a farm never initialises that class (its method
   * references cost a short run milliseconds of call-site linking).
   */
  private EmbeddedFarm.Engines farmEngines;

  /** Where commands print: picocli's writers, or those {@link QuickParse} was given (it builds no spec). */
  private PrintWriter out;
  private PrintWriter err;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The directory relative paths are resolved against: {@code -C DIR}, else the process's working directory. */
  public Path workDir() {
    Path cwd = Path.of("").toAbsolutePath();
    return directory == null ? cwd : cwd.resolve(directory).normalize();
  }

  /** Resolves a path argument against {@link #workDir()}. */
  public Path resolve(Path p) {
    return workDir().resolve(p).normalize();
  }

  /** The environment variable {@code name}, or null. */
  public String env(String name) {
    return environment.get(name);
  }

  /** The engines an embedded farm runs. */
  public EmbeddedFarm.Engines farmEngines() {
    return farmEngines == null ? EmbeddedFarm.Engines.CORE : farmEngines;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  public boolean debug() {
    return debug;
  }

  public String logLevel() {
    return logLevel;
  }

  /**
   * Runs the CLI with the process's streams and returns the exit code. Only the subcommands some argument names are
   * built in full: picocli reads every option of every command it is given, which took most of a {@code version}
   * run's time; the others are listed (name and description, for {@code --help} and for suggestions) but never run.
   */
  public static int run(String... args) {
    if (asksOnlyForTheVersion(args)) {
      // The version needs no command line at all: this answers it before picocli and its reflection load.
      System.out.println(versionLine());
      return 0;
    }
    if (printStoredUsage(System.out, args)) {
      // Usage texts rendered by picocli at build time: picocli's reflective model is most of a --help run.
      return 0;
    }
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv(), null, args);
  }

  /**
   * Runs {@code args} as a process does after the version and stored usage: parsed by {@link QuickParse} when it can,
   * else by picocli with only the subcommands some argument names built in full (picocli reads every option of
   * every command it is given).
   */
  public static int execute(PrintWriter out, PrintWriter err, Map<String, String> environment,
      EmbeddedFarm.Engines farmEngines, String... args) {
    OptionalInt quick = QuickParse.execute(out, err, environment, farmEngines, args);
    if (quick.isPresent()) {
      return quick.getAsInt();
    }
    List<String> named = Arrays.asList(args);
    return newCommandLine(out, err, environment, farmEngines, named::contains).execute(args);
  }

  /** A root with the environment, engines and writers its commands use (picocli's and {@link QuickParse}'s). */
  static ApkoClientCommand root(PrintWriter out, PrintWriter err, Map<String, String> environment,
      EmbeddedFarm.Engines farmEngines) {
    ApkoClientCommand root = new ApkoClientCommand();
    root.environment = Map.copyOf(environment);
    root.farmEngines = farmEngines;
    root.out = out;
    root.err = err;
    return root;
  }

  /**
   * Prints the usage {@code args} ask for from the texts stored at build time, as picocli would, and returns true;
   * false when picocli must answer (other arguments, no or stale stored texts). {@link #run} does this first; the
   * class-data archive's training calls it to archive the classes it loads.
   */
  public static boolean printStoredUsage(PrintStream stdout, String... args) {
    return StoredUsage.print(stdout, args);
  }

  /** A configured command line (exit codes, error handling) writing to the given streams; used by tests too. */
  public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
    return newCommandLine(out, err, System.getenv());
  }

  /** As {@link #newCommandLine(PrintWriter, PrintWriter)}, reading {@code environment} instead of the process's. */
  public static CommandLine newCommandLine(PrintWriter out, PrintWriter err, Map<String, String> environment) {
    return newCommandLine(out, err, environment, null);
  }

  /**
   * As above, with an embedded farm on {@code farmEngines} (tests of the farm's plumbing use stand-ins; null for
   * core's).
   */
  public static CommandLine newCommandLine(PrintWriter out, PrintWriter err, Map<String, String> environment,
      EmbeddedFarm.Engines farmEngines) {
    return newCommandLine(out, err, environment, farmEngines, name -> true);
  }

  /**
   * As above, with only the subcommands whose names pass {@code built} built in full; the others are stand-ins that
   * carry their name and description, so usage and error messages read the same (see {@link #run}).
   */
  static CommandLine newCommandLine(PrintWriter out, PrintWriter err, Map<String, String> environment,
      EmbeddedFarm.Engines farmEngines, Predicate<String> built) {
    ApkoClientCommand root = root(out, err, environment, farmEngines);
    CommandLine cl = new CommandLine(root);
    for (Class<?> command : SUBCOMMANDS) {
      Command annotation = command.getAnnotation(Command.class);
      if (built.test(annotation.name())) {
        cl.addSubcommand(annotation.name(), command);
      } else {
        CommandLine.Model.CommandSpec listed = CommandLine.Model.CommandSpec.create().name(annotation.name());
        listed.usageMessage().description(annotation.description());
        cl.addSubcommand(annotation.name(), listed);
      }
    }
    cl.addSubcommand("help", CommandLine.HelpCommand.class);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new ExceptionHandler(root));
    return cl;
  }

  /**
   * Turns a command's exception into its message and exit code. A class, not a lambda: a lambda implementing this
   * picocli interface (a Java 5 class) links that interface while the class-data archive is dumped, which leaves it
   * and picocli's own handler out of the archive, and loading them from the jar costs a short run the jar's opening.
   */
  private static final class ExceptionHandler implements CommandLine.IExecutionExceptionHandler {
    private final ApkoClientCommand root;

    ExceptionHandler(ApkoClientCommand root) {
      this.root = root;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
      return failed(ex, commandLine.getErr(), root.debug);
    }
  }

  /** Prints what a command's exception says to {@code err} and returns the exit code it means. */
  static int failed(Exception ex, PrintWriter err, boolean debug) {
    boolean badInput = ex instanceof BadInputException;
    // Messages quote what the user gave us; whatever slipped through unescaped cannot forge lines here.
    err.println("error: " + InputText.printable(describe(ex)));
    if (debug) {
      ex.printStackTrace(err);
    } else if (!badInput) {
      err.println("(run with --debug for the stack trace)");
    }
    err.flush();
    return badInput ? EXIT_BAD_INPUT : EXIT_FAILURE;
  }

  private static String describe(Throwable ex) {
    String message = ex.getMessage();
    return message == null || message.isBlank() ? ex.getClass().getSimpleName() : message;
  }

  /** Whether the arguments are exactly one of the ways to ask for the version (the command or the option). */
  static boolean asksOnlyForTheVersion(String... args) {
    return args.length == 1 && List.of("version", "--version", "-V").contains(args[0]);
  }

  /** What {@code version} and {@code --version} print. */
  static String versionLine() {
    return "apko-client " + EngineVersion.get();
  }

  /** Supplies {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {versionLine()};
    }
  }
}
