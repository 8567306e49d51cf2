package dev.apkofarm.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What every subcommand shares: the root's global options and the output streams. */
abstract class ClientCommand implements Callable<Integer> {
  @CommandLine.ParentCommand ApkoClientCommand root;

  @CommandLine.Spec CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** For commands whose issue has not landed yet: says so and fails. */
  Integer notYetAvailable() {
    err().println(spec.name() + ": not yet available in this version");
    return ApkoClientCommand.EXIT_FAILURE;
  }
}
