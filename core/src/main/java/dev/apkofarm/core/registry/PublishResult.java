package dev.apkofarm.core.registry;

import dev.apkofarm.core.oci.Digest;
import java.util.List;

/**
 * What a publish did.
 *
 * @param reference {@code registry/repository@sha256:<index digest>}
 * @param digest the digest the tags point at
 * @param tags the tags written (or already pointing there)
 * @param referrers artifact manifests attached (SBOMs, the publish key)
 * @param stats the registry work this publish took (HEAD hits, uploads, ...)
 */
public record PublishResult(
    ImageRef reference, Digest digest, List<String> tags, List<Digest> referrers, PushStats stats) {
  public PublishResult {
    tags = List.copyOf(tags);
    referrers = List.copyOf(referrers);
  }
}
