package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.client.embedded.EmbeddedFarm;
import dev.apkofarm.core.EngineVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The process's command line builds only the subcommands its arguments name; nobody can tell from the output. */
class ApkoClientCommandTest {
  private static CliRun run(Predicate<String> built, String... args) {
    return CliRun.of((out, err) -> ApkoClientCommand.newCommandLine(out, err, Map.of(), EmbeddedFarm.Engines.CORE,
        built), args);
  }

  private static CliRun everything(String... args) {
    return run(name -> true, args);
  }

  private static CliRun asNamed(String... args) {
    return run(List.of(args)::contains, args);
  }

  @Test
  void usageAndErrorsReadTheSameWhenOnlyTheNamedCommandsAreBuilt() {
    for (List<String> args : List.<List<String>>of(List.of("--help"), List.of("help"), List.of("help", "build"),
        List.of("biuld"), List.of("--no-such-option"), List.of(), List.of("build", "--help"))) {
      String[] a = args.toArray(String[]::new);
      assertThat(asNamed(a)).as("apko-client %s", args).isEqualTo(everything(a));
    }
    assertThat(everything("--help").out()).contains("show-packages", "submit", "version", "help");
  }

  @Test
  void aNamedCommandRunsInFull() {
    CliRun version = asNamed("version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).isEqualTo("apko-client " + EngineVersion.get() + System.lineSeparator());
    CliRun refused = asNamed("show-packages");
    assertThat(refused.exit()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(refused.err()).contains("Missing required parameter: 'CONFIG'");
  }

  @Test
  void theVersionAnsweredBeforeParsingIsWhatEveryWayToAskPrints() {
    for (String ask : List.of("version", "--version", "-V")) {
      assertThat(ApkoClientCommand.asksOnlyForTheVersion(ask)).as(ask).isTrue();
      assertThat(everything(ask)).as(ask)
          .isEqualTo(new CliRun(0, ApkoClientCommand.versionLine() + System.lineSeparator(), ""));
    }
    assertThat(ApkoClientCommand.asksOnlyForTheVersion("version", "--help")).isFalse();
    assertThat(ApkoClientCommand.asksOnlyForTheVersion("-C", "version")).isFalse();
    assertThat(ApkoClientCommand.asksOnlyForTheVersion()).isFalse();
  }

  @Test
  void aCommandNotNamedIsListedButNotBuilt() {
    CommandLine cl = ApkoClientCommand.newCommandLine(new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()), Map.of(), EmbeddedFarm.Engines.CORE, "version"::equals);
    Object version = cl.getSubcommands().get("version").getCommand();
    Object build = cl.getSubcommands().get("build").getCommand();
    assertThat(version).isInstanceOf(VersionCommand.class);
    assertThat(build).isNull();
    assertThat(cl.getSubcommands().keySet()).hasSize(ApkoClientCommand.SUBCOMMANDS.size() + 1);
  }
}
