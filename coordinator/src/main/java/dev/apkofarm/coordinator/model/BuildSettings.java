package dev.apkofarm.coordinator.model;

import dev.apkofarm.core.registry.ImageRef;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The options of a job that change the bytes it builds (so they are part of every build key), and where its output
 * goes.
 *
 * @param annotations {@code --annotations k:v}, sorted
 * @param sourceDateEpoch SOURCE_DATE_EPOCH seconds, or null for the engine's default
 * @param pushPrefix push each image as {@code <prefix>/<name>:<tag>}, or null to return artefacts to the client
 * @param pushTag the tag pushed images get ({@code latest} unless given); null when not pushing
 */
public record BuildSettings(
    SortedMap<String, String> annotations, Long sourceDateEpoch, String pushPrefix, String pushTag)
    implements Serializable {
  /** The tag of pushed images when the submission names none, as for docker. */
  public static final String DEFAULT_TAG = "latest";

  public BuildSettings {
    annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
    if (pushPrefix != null && pushPrefix.isBlank()) {
      pushPrefix = null;
    }
    if (pushPrefix == null) {
      pushTag = null;
    } else if (pushTag == null || pushTag.isBlank()) {
      pushTag = DEFAULT_TAG;
    }
  }

  /** Pushing with the default tag (or not pushing). */
  public BuildSettings(SortedMap<String, String> annotations, Long sourceDateEpoch, String pushPrefix) {
    this(annotations, sourceDateEpoch, pushPrefix, null);
  }

  /** No annotations, the engine's default date, artefacts returned to the client. */
  public static BuildSettings defaults() {
    return new BuildSettings(new TreeMap<>(), null, null, null);
  }

  public OptionalLong epoch() {
    return sourceDateEpoch == null ? OptionalLong.empty() : OptionalLong.of(sourceDateEpoch);
  }

  public boolean pushing() {
    return pushPrefix != null;
  }

  /**
   * The repository image {@code name} is pushed to, {@code registry/prefix/name} without a tag (empty when not
   * pushing).
   *
   * @throws IllegalArgumentException naming the prefix when {@code prefix/name} is not a valid repository
   */
  public Optional<ImageRef> pushRepository(String name) {
    if (pushPrefix == null) {
      return Optional.empty();
    }
    ImageRef ref;
    try {
      ref = ImageRef.parse(pushPrefix + "/" + name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--push " + pushPrefix + " (image " + name + "): " + e.getMessage(), e);
    }
    if (ref.tag().isPresent() || ref.digest().isPresent()) {
      throw new IllegalArgumentException("--push " + pushPrefix + ": give REGISTRY/PREFIX without a tag or digest"
          + " (images are pushed as PREFIX/<name>:<tag>; the tag is --tag)");
    }
    try {
      return Optional.of(ref.withTag(pushTag).repositoryOnly());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--tag " + pushTag + ": " + e.getMessage(), e);
    }
  }

  /** {@code registry/prefix/name:tag}, the reference pushed last (empty when not pushing). */
  public Optional<ImageRef> pushReference(String name) {
    return pushRepository(name).map(r -> r.withTag(pushTag));
  }
}
