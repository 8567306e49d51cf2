package dev.apkofarm.deploy;

import io.fabric8.kubernetes.api.model.Container;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A container's command line read by the daemon's own option parser ({@code apko-coordinator} or
 * {@code apko-worker}), so an option the daemon does not have fails here as it would in the pod, and values come
 * back typed by the daemon's own converters ({@code 45s} as a {@link Duration}).
 */
final class DaemonCommand {
  private final String daemon;
  private final ParseResult parsed;

  private DaemonCommand(String daemon, ParseResult parsed) {
    this.daemon = daemon;
    this.parsed = parsed;
  }

  /**
   * Parses {@code container}'s {@code command} + {@code args}.
   *
   * @throws IllegalArgumentException when the command is no daemon of ours
   * @throws CommandLine.ParameterException when the daemon would refuse the arguments
   */
  static DaemonCommand of(Container container) {
    List<String> line = new ArrayList<>(container.getCommand());
    line.addAll(container.getArgs());
    if (line.isEmpty()) {
      throw new IllegalArgumentException(container.getName() + ": no command (the image runs a coordinator by default;"
          + " say which daemon)");
    }
    String daemon = line.get(0);
    Object command = switch (daemon) {
      case "apko-coordinator" -> new dev.apkofarm.coordinator.Main();
      case "apko-worker" -> new dev.apkofarm.worker.Main();
      default -> throw new IllegalArgumentException(container.getName() + ": runs " + daemon + ", not a farm daemon");
    };
    ParseResult parsed = new CommandLine(command).parseArgs(line.subList(1, line.size()).toArray(String[]::new));
    return new DaemonCommand(daemon, parsed);
  }

  String daemon() {
    return daemon;
  }

  boolean isWorker() {
    return daemon.equals("apko-worker");
  }

  /** Whether the option was given. */
  boolean has(String option) {
    return parsed.hasMatchedOption(option);
  }

  /** The option's value as given, else the daemon's default (typed by its converter). */
  <T> T value(String option) {
    OptionSpec spec = parsed.commandSpec().findOption(option);
    if (spec == null) {
      throw new IllegalArgumentException(daemon + " has no option " + option);
    }
    return spec.getValue();
  }

  /** The option's value as written, when given. */
  Optional<String> written(String option) {
    return has(option) ? Optional.of(parsed.matchedOption(option).stringValues().get(0)) : Optional.empty();
  }

  /** Every option value as written that is an absolute path. */
  List<String> pathValues() {
    List<String> out = new ArrayList<>();
    for (var o : parsed.matchedOptions()) {
      for (String v : o.stringValues()) {
        if (v.startsWith("/")) {
          out.add(v);
        }
      }
    }
    return out;
  }
}
