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
}
