package dev.apkofarm.client;

import dev.apkofarm.client.cli.ApkoClientCommand;

/** Entry point of {@code apko-client} (and of the fat jar the launchers in {@code bin/} run). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(ApkoClientCommand.run(args));
  }
}
