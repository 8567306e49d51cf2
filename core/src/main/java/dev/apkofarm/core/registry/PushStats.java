package dev.apkofarm.core.registry;

/**
 * Counters of what a {@link RegistryClient} has done so far (a snapshot). {@code minus} gives the work of one
 * publish.
 *
 * @param blobHeadHits blob HEAD requests that found the blob
 * @param blobHeadMisses blob HEAD requests that did not
 * @param manifestHeadHits manifest HEAD requests (by digest or tag) that found it
 * @param mounts blobs mounted from another repository
 * @param blobsUploaded blobs uploaded
 * @param bytesUploaded bytes sent in blob uploads (including re-sent bytes)
 * @param resumes uploads continued after a break
 * @param restarts uploads started again from byte 0
 * @param retries requests retried after 429/5xx/IO errors
 * @param manifestsPut manifest PUTs (by digest or tag)
 */
public record PushStats(
    long blobHeadHits,
    long blobHeadMisses,
    long manifestHeadHits,
    long mounts,
    long blobsUploaded,
    long bytesUploaded,
    long resumes,
    long restarts,
    long retries,
    long manifestsPut) {

  /** The difference {@code this - earlier}, the work done in between. */
  public PushStats minus(PushStats earlier) {
    return new PushStats(
        blobHeadHits - earlier.blobHeadHits,
        blobHeadMisses - earlier.blobHeadMisses,
        manifestHeadHits - earlier.manifestHeadHits,
        mounts - earlier.mounts,
        blobsUploaded - earlier.blobsUploaded,
        bytesUploaded - earlier.bytesUploaded,
        resumes - earlier.resumes,
        restarts - earlier.restarts,
        retries - earlier.retries,
        manifestsPut - earlier.manifestsPut);
  }
}
