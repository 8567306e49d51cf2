package dev.apkofarm.client.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.function.BiFunction;
import picocli.CommandLine;

/** What one in-process run of {@code apko-client} returned and printed: how the tests drive the CLI. */
public record CliRun(int exit, String out, String err) {
  /** Runs the command line {@code commandLine} makes on the run's output and error writers. */
  public static CliRun of(BiFunction<PrintWriter, PrintWriter, CommandLine> commandLine, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = commandLine.apply(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /**
   * Runs {@code apko-client} with {@code env} as its environment, as the process does: parsed without picocli when
   * {@link QuickParse} can, so every test through here checks that path too.
   */
  public static CliRun of(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = ApkoClientCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), env, null, args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
