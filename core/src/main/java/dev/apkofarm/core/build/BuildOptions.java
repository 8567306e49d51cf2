package dev.apkofarm.core.build;

import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.oci.GzipSettings;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * How an image is built, beyond its locked config. Two builds with equal locked images and equal options produce
 * identical bytes on any machine; {@link #identity()} names everything here that affects the bytes.
 *
 * @param sourceDateEpoch fixes the image creation time and the dates of files the build writes (certificates, runtime
 *     keys, scripts); when absent, the newest package build date is used
 * @param reference the image reference the user builds (e.g. {@code golden:latest}): names the image in SBOM purls
 * @param sbom whether to write SBOMs
 * @param gzip layer compression
 * @param compressionPool threads for block compression (not part of the identity: output does not depend on it)
 * @param compressionThreads how many blocks to keep in flight per layer
 * @param limits what the build may take in ({@code --max-image-size}; the per-package limits apply where packages are
 *     opened, see {@link dev.apkofarm.core.apk.repo.PackageStore}); not part of the identity: a limit refuses, it never
 *     changes bytes
 */
public record BuildOptions(
    Optional<Instant> sourceDateEpoch,
    String reference,
    boolean sbom,
    GzipSettings gzip,
    ExecutorService compressionPool,
    int compressionThreads,
    Limits limits) {
  public BuildOptions {
    Objects.requireNonNull(sourceDateEpoch, "sourceDateEpoch");
    sourceDateEpoch = sourceDateEpoch.map(t -> Instant.ofEpochSecond(t.getEpochSecond()));
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(gzip, "gzip");
    Objects.requireNonNull(compressionPool, "compressionPool");
    if (compressionThreads < 1) {
      throw new IllegalArgumentException("compressionThreads must be at least 1");
    }
    Objects.requireNonNull(limits, "limits");
  }

  /** Defaults: no fixed date, SBOMs on, gzip level 6 in 1 MiB blocks on the shared pool. */
  public static BuildOptions defaults(String reference) {
    return new BuildOptions(
        Optional.empty(),
        reference,
        true,
        GzipSettings.DEFAULT,
        GzipSettings.sharedPool(),
        Runtime.getRuntime().availableProcessors(),
        Limits.DEFAULTS);
  }

  public BuildOptions withSourceDateEpoch(Optional<Instant> t) {
    return new BuildOptions(t, reference, sbom, gzip, compressionPool, compressionThreads, limits);
  }

  public BuildOptions withSbom(boolean on) {
    return new BuildOptions(sourceDateEpoch, reference, on, gzip, compressionPool, compressionThreads, limits);
  }

  public BuildOptions withGzip(GzipSettings g) {
    return new BuildOptions(sourceDateEpoch, reference, sbom, g, compressionPool, compressionThreads, limits);
  }

  public BuildOptions withLimits(Limits l) {
    return new BuildOptions(sourceDateEpoch, reference, sbom, gzip, compressionPool, compressionThreads, l);
  }

  /** Everything that affects output bytes, as one string (part of a farm build key). */
  public String identity() {
    return "sde=" + sourceDateEpoch.map(t -> Long.toString(t.getEpochSecond())).orElse("-") + ";ref=" + reference
        + ";sbom=" + sbom + ";gzip=" + gzip.identity();
  }
}
