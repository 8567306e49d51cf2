package dev.apkofarm.coordinator.model;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The options of a job that change the bytes it builds (so they are part of every build key), and where its output
 * goes.
 *
 * @param annotations {@code --annotations k:v}, sorted
 * @param sourceDateEpoch SOURCE_DATE_EPOCH seconds, or null for the engine's default
 * @param pushPrefix push each image as {@code <prefix>/<name>}, or null to return artefacts to the client
 */
public record BuildSettings(SortedMap<String, String> annotations, Long sourceDateEpoch, String pushPrefix)
    implements Serializable {
  public BuildSettings {
    annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
    if (pushPrefix != null && pushPrefix.isBlank()) {
      pushPrefix = null;
    }
  }

  /** No annotations, the engine's default date, artefacts returned to the client. */
  public static BuildSettings defaults() {
    return new BuildSettings(new TreeMap<>(), null, null);
  }

  public OptionalLong epoch() {
    return sourceDateEpoch == null ? OptionalLong.empty() : OptionalLong.of(sourceDateEpoch);
  }

  /** A canonical text of everything that changes the bytes of a build, for build keys. */
  public String canonical() {
    StringBuilder sb = new StringBuilder();
    annotations.forEach((k, v) -> sb.append("annotation ").append(k).append('=').append(v).append('\n'));
    sb.append("epoch ").append(sourceDateEpoch == null ? "default" : sourceDateEpoch).append('\n');
    sb.append("push ").append(pushPrefix == null ? "-" : pushPrefix).append('\n');
    return sb.toString();
  }
}
