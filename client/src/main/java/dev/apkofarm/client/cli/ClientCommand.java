package dev.apkofarm.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What every subcommand shares: the root's global options and the output streams. */
abstract class ClientCommand implements Callable<Integer> {
  @CommandLine.ParentCommand ApkoClientCommand root;

  @CommandLine.Spec CommandSpec spec;

  // No spec when QuickParse built the command: the root then holds the writers.
  PrintWriter out() {
    return spec == null ? root.out() : spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec == null ? root.err() : spec.commandLine().getErr();
  }
}
