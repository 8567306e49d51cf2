package dev.apkofarm.core.registry;

import dev.apkofarm.core.oci.Digest;

/**
 * Something a push did, for progress output, farm events and tests. Events carry names, digests and sizes only,
 * never credentials.
 */
public sealed interface PushEvent {
  /** The registry already had the blob (HEAD hit): nothing uploaded. */
  record BlobExists(String repository, Digest digest) implements PushEvent {}

  /** The blob was mounted from another repository of the same registry: nothing uploaded. */
  record BlobMounted(String repository, Digest digest, String from) implements PushEvent {}

  /** The blob was uploaded. */
  record BlobUploaded(String repository, Digest digest, long size, boolean chunked) implements PushEvent {}

  /** An upload broke off and continues from the offset the registry reported. */
  record UploadResumed(String repository, Digest digest, long offset, String reason) implements PushEvent {}

  /** An upload broke off and starts again from byte 0 in a fresh upload session. */
  record UploadRestarted(String repository, Digest digest, String reason) implements PushEvent {}

  /** A request failed in a way worth retrying (429, 5xx, broken connection) and is tried again. */
  record RequestRetried(String operation, String reason, int attempt, long delayMillis) implements PushEvent {}

  /** A manifest or index was stored by digest ({@code existed}: it was already there). */
  record ManifestPushed(String repository, Digest digest, String mediaType, boolean existed) implements PushEvent {}

  /** An artifact (an SBOM, the publish key) now refers to {@code subject}. */
  record ReferrerAttached(
      String repository, Digest subject, Digest artifact, String artifactType, boolean viaFallbackTag)
      implements PushEvent {}

  /** A tag points at {@code digest} ({@code unchanged}: it already did). */
  record TagWritten(String repository, String tag, Digest digest, boolean unchanged) implements PushEvent {}
}
