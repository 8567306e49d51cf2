package dev.apkofarm.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code entrypoint}: what the container runs.
 *
 * <p>{@code shell-fragment} wins over {@code command}; {@code command} is split into words like a POSIX shell
 * (quotes, backslash escapes, {@code #} comments) exactly as apko's splitter does, see {@link #argv()}. With {@code
 * type: service-bundle} the loaded config's command is {@value #SERVICE_BUNDLE_COMMAND} and the package {@code s6}
 * is added; {@code services} maps a service name to the command s6 runs for it.
 *
 * @param type {@code type}: only {@value #SERVICE_BUNDLE} is known
 * @param command {@code command}
 * @param shellFragment {@code shell-fragment}
 * @param services {@code services}, in the order written
 */
public record Entrypoint(
    Optional<String> type, Optional<String> command, Optional<String> shellFragment, Map<String, String> services) {

  public static final String SERVICE_BUNDLE = "service-bundle";
  public static final String SERVICE_BUNDLE_COMMAND = "/bin/s6-svscan /sv";

  /** No entrypoint: the runtime's default applies. */
  public static final Entrypoint NONE = new Entrypoint(Optional.empty(), Optional.empty(), Optional.empty(), Map.of());

  public Entrypoint {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(shellFragment, "shellFragment");
    type.ifPresent(
        t -> {
          if (!t.equals(SERVICE_BUNDLE)) {
            throw new IllegalArgumentException(
                "unknown entrypoint type \"" + t + "\" (only " + SERVICE_BUNDLE + " is supported)");
          }
        });
    command.ifPresent(ShellWords::split); // rejects unbalanced quotes now rather than at build time
    services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
  }

  /** Whether this is an s6 service bundle. */
  public boolean isServiceBundle() {
    return type.isPresent();
  }

  /**
   * The OCI config {@code Entrypoint}: {@code [/bin/sh, -c, FRAGMENT]} for a shell fragment, else the command's
   * words, else empty (the runtime's default).
   */
  public List<String> argv() {
    if (shellFragment.isPresent()) {
      return List.of("/bin/sh", "-c", shellFragment.get());
    }
    return command.map(ShellWords::split).orElse(List.of());
  }

  /** Whether nothing is set (apko then takes an included file's entrypoint as a whole). */
  public boolean isEmpty() {
    return equals(NONE);
  }
}
