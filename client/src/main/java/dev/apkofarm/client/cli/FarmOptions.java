package dev.apkofarm.client.cli;

import dev.apkofarm.cluster.cli.SecurityOptions;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.BadInputException;
import io.grpc.ManagedChannel;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a client command reaches a farm: {@code --coordinator HOST:PORT} and the transport security options. */
final class FarmOptions {
  static final String ENV = "APKO_FARM_COORDINATOR";

  @Option(names = "--coordinator", paramLabel = "HOST:PORT",
      description = "The farm's coordinator (default: $" + ENV + ").")
  String coordinator;

  @Mixin SecurityOptions security = new SecurityOptions();

  /** The coordinator named by the option or the environment, if any. */
  String target() {
    if (coordinator != null) {
      return coordinator;
    }
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? null : env.trim();
  }

  ManagedChannel channel() throws BadInputException, IOException {
    String t = target();
    if (t == null) {
      throw new BadInputException("no farm given: pass --coordinator HOST:PORT or set $" + ENV);
    }
    try {
      return Transport.channel(t, security.security());
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
