package dev.apkofarm.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.apkofarm.client.cli.QuickParse.Arg;
import dev.apkofarm.client.cli.QuickParse.Command;
import dev.apkofarm.client.cli.QuickParse.Kind;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@link QuickParse} builds exactly what picocli builds from the same command line, for every option and parameter of
 * every command it parses, and leaves to picocli every command line it cannot parse for certain.
 */
class QuickParseTest {
  private static final Map<String, String> ENV = Map.of("SOURCE_DATE_EPOCH", "0");

  private static QuickParse tables() throws Exception {
    Optional<QuickParse> tables =
        StoredUsage.quickTables(StoredUsage.Resources.of(QuickParseTest.class.getClassLoader()), name -> true);
    assertTrue(tables.isPresent(), "the build stores the tables beside the usage texts, under current CRCs");
    return tables.get();
  }

  private static PrintWriter discard() {
    return new PrintWriter(OutputStream.nullOutputStream(), true);
  }

  private static Optional<QuickParse.Parsed> quick(QuickParse tables, List<String> args) {
    return tables.parse(discard(), discard(), ENV, null, args.toArray(String[]::new));
  }

  /** Every field of the command and its mixins, and the root's, after parsing {@code args} either way. */
  private static void assertSameAsPicocli(QuickParse tables, List<String> args) throws Exception {
    Optional<QuickParse.Parsed> quick = quick(tables, args);
    assertTrue(quick.isPresent(), "parsed without picocli: " + args);
    CommandLine cl = ApkoClientCommand.newCommandLine(discard(), discard(), ENV);
    CommandLine.ParseResult result = cl.parseArgs(args.toArray(String[]::new));
    Object picocliCommand = result.subcommand().commandSpec().userObject();
    assertEquals(state(picocliCommand), state(quick.get().command()), "the command's fields for " + args);
    assertEquals(state(result.commandSpec().userObject()), state(quick.get().root()), "the root's fields for " + args);
  }

  /** Field name to value, mixins (objects of the farm's own classes) as their own maps; links and writers left out. */
  private static Map<String, Object> state(Object object) throws IllegalAccessException {
    Map<String, Object> fields = new TreeMap<>();
    for (Class<?> c = object.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        Class<?> t = f.getType();
        if (Modifier.isStatic(f.getModifiers()) || t == CommandSpec.class || t == ApkoClientCommand.class
            || t == PrintWriter.class || f.getName().equals("environment") || f.getName().equals("farmEngines")) {
          continue;
        }
        f.setAccessible(true);
        Object value = f.get(object);
        boolean mixin = value != null && t.getName().startsWith("dev.apkofarm.") && !t.isEnum() && !t.isRecord();
        fields.put(c.getSimpleName() + "." + f.getName(), mixin ? state(value) : value);
      }
    }
    return fields;
  }

  private static String sample(Kind kind, int n) {
    switch (kind) {
      case INT:
        return String.valueOf(7 + n);
      case LONG:
        return String.valueOf(4200000000L + n);
      case PATH:
      case PATHS:
        return "dir" + n + "/file";
      default:
        return "value" + n;
    }
  }

  /** The command with its required parameters and options given. */
  private static List<String> minimal(Command command) {
    List<String> args = new ArrayList<>(List.of(command.name()));
    for (Arg a : command.args()) {
      if (a.option() && a.required()) {
        args.add(a.names().get(0));
        args.add(sample(a.kind(), 0));
      }
    }
    int n = 0;
    for (Arg a : command.args()) {
      if (!a.option()) {
        for (int k = n; k < a.from() + Math.max(1, a.arityMin()); k++) {
          args.add(sample(a.kind(), k));
        }
        n = a.from() + Math.max(1, a.arityMin());
      }
    }
    return args;
  }

  @Test
  void everyQuickOptionOfEveryCommandSetsWhatPicocliSets() throws Exception {
    QuickParse tables = tables();
    int checked = 0;
    for (Command command : tables.commands().values()) {
      if (command.name().isEmpty() || !command.supported()) {
        continue;
      }
      List<String> base = minimal(command);
      assertSameAsPicocli(tables, base);
      for (Arg a : command.args()) {
        if (!a.option() || !a.quick() || a.required() || a.owner().equals("@root")) {
          continue; // the root's options are checked below, with values they take
        }
        for (String name : a.names()) {
          List<String> args = new ArrayList<>(base);
          if (a.kind() == Kind.BOOLEAN) {
            args.add(name);
          } else if (a.kind().list()) {
            String value = a.split().isEmpty() ? sample(a.kind(), 1) : sample(a.kind(), 1) + "," + sample(a.kind(), 2);
            args.addAll(List.of(name, value, name, sample(a.kind(), 3)));
          } else {
            args.addAll(List.of(name, sample(a.kind(), 1)));
          }
          assertSameAsPicocli(tables, args);
          if (name.startsWith("--") && a.kind() != Kind.BOOLEAN) {
            List<String> attached = new ArrayList<>(base);
            attached.add(name + "=" + sample(a.kind(), 4));
            assertSameAsPicocli(tables, attached);
          }
          checked++;
        }
      }
      // The root's options before the command, and after it (picocli's inherited scope).
      List<String> before = new ArrayList<>(List.of("-C", "work", "--log-level", "warn", "--debug"));
      before.addAll(base);
      assertSameAsPicocli(tables, before);
      List<String> after = new ArrayList<>(base);
      after.addAll(List.of("--workdir", "elsewhere", "--log-level=error"));
      assertSameAsPicocli(tables, after);
    }
    assertTrue(checked > 60, "options checked: " + checked);
  }

  @Test
  void aRunReadsOnlyTheTablesItMayNeedAndTheyAreTheSame() throws Exception {
    QuickParse all = tables();
    QuickParse some = StoredUsage.quickTables(StoredUsage.Resources.of(QuickParseTest.class.getClassLoader()),
        name -> name.isEmpty() || name.equals("build")).orElseThrow();
    assertEquals(java.util.Set.of("", "build"), some.commands().keySet());
    assertEquals(all.commands().get("build"), some.commands().get("build"));
    assertEquals(all.commands().get(""), some.commands().get(""));
  }

  @Test
  void theBenchmarkedCommandLinesAreParsedWithoutPicocli() throws Exception {
    QuickParse tables = tables();
    assertSameAsPicocli(tables, List.of("-C", "cli", "build", "testdata/apko.yaml", "golden:latest", "out",
        "--arch", "amd64,arm64", "--cache-dir", "cache", "--annotations", "org.opencontainers.image.vendor:Vendor",
        "--annotations", "org.opencontainers.image.title:Title"));
    assertSameAsPicocli(tables, List.of("show-packages", "build-base.yaml", "--cache-dir", "cache"));
    assertSameAsPicocli(tables, List.of("submit", "examples/", "--output", "out"));
    assertSameAsPicocli(tables, List.of("submit", "a.yaml", "b.yaml", "--coordinator", "127.0.0.1:7070", "--push",
        "127.0.0.1:5000/x", "--json"));
  }

  @Test
  void whatIsNotCertainIsLeftToPicocli() throws Exception {
    QuickParse tables = tables();
    List<String> build = List.of("build", "a.yaml", "t:1", "out");
    for (List<String> extra : List.of(
        List.of("--help"), List.of("-h"), List.of("--version"),
        List.of("--no-sbom"), List.of("--sbom"), List.of("--vcs=false"), List.of("--no-vcs"),
        List.of("--"), List.of("@args.txt"), List.of("-"), List.of("extra"),
        List.of("--cache-dir", "a", "--cache-dir", "b"), List.of("--cache-dir"), List.of("--cache-dir", "--arch"),
        List.of("--nope"), List.of("-kkey.pub"), List.of("--arch", "\"amd64,arm64\""), List.of("--arch="),
        List.of("--arch", ",amd64"), List.of("--arch", "amd64,"), List.of("-C=dir"), List.of("-Cdir"),
        List.of("--max-apk-files", "010"), List.of("--max-apk-files", "1e3"), List.of("--max-apk-files", "0x10"),
        List.of("--log-level", "loud"), List.of("--debug", "--debug"))) {
      List<String> args = new ArrayList<>(build);
      args.addAll(extra);
      assertTrue(quick(tables, args).isEmpty(), "left to picocli: " + args);
    }
    for (List<String> args : List.<List<String>>of(
        List.of(), List.of("--debug"), List.of("nope"), List.of("help", "build"), List.of("build", "a.yaml", "t:1"),
        List.of("-C", "x", "build", "a.yaml", "t:1", "out", "-C", "y"))) {
      assertTrue(quick(tables, args).isEmpty(), "left to picocli: " + args);
    }
  }

  @CommandLine.Command(name = "top")
  static final class Top {}

  static final class MixinWithSpec {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandSpec mixee;

    @CommandLine.Option(names = "--x") String x;
  }

  @CommandLine.Command(name = "fake")
  static final class Fake implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Mixin MixinWithSpec mixin;

    @Override
    public Integer call() {
      return 0;
    }
  }

  @Test
  void aCommandWhoseCodeWouldReadASpecItCannotHaveIsLeftToPicocli() {
    QuickParse tables = QuickParse.of(new CommandLine(new Top()).addSubcommand(new Fake()));
    assertTrue(!tables.commands().get("fake").supported(), "a mixin's @Spec is set only by picocli");
  }

  @Test
  void aProcessRunsTheCommandTheSameEitherWay() {
    // A failure of the command itself: the same message and exit code as through picocli's handler.
    CliRun quick = CliRun.of(ENV, "show-config", "no-such.yaml");
    CliRun picocli = CliRun.of((out, err) -> ApkoClientCommand.newCommandLine(out, err, ENV), "show-config",
        "no-such.yaml");
    assertEquals(picocli, quick);
    assertEquals(ApkoClientCommand.EXIT_BAD_INPUT, quick.exit());
  }
}
