package dev.apkofarm.client.cli;

import dev.apkofarm.cluster.cli.SecurityOptions;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.BadInputException;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
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

  /** What a command does over its channel to the farm. */
  @FunctionalInterface
  interface Call<T> {
    T run(ManagedChannel channel) throws Exception;
  }

  /**
   * Runs {@code call} over a new channel to the farm, closed afterwards; a failed RPC becomes what the CLI reports
   * ({@link Rpc#translate}).
   */
  <T> T call(Call<T> call) throws Exception {
    ManagedChannel channel = channel();
    try {
      return call.run(channel);
    } catch (StatusRuntimeException e) {
      throw Rpc.translate(e, target());
    } finally {
      channel.shutdownNow();
    }
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
