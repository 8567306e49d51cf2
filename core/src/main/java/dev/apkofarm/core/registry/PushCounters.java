package dev.apkofarm.core.registry;

import java.util.concurrent.atomic.AtomicLong;

/** The live counters behind {@link PushStats}. */
final class PushCounters {
  final AtomicLong blobHeadHits = new AtomicLong();
  final AtomicLong blobHeadMisses = new AtomicLong();
  final AtomicLong manifestHeadHits = new AtomicLong();
  final AtomicLong mounts = new AtomicLong();
  final AtomicLong blobsUploaded = new AtomicLong();
  final AtomicLong bytesUploaded = new AtomicLong();
  final AtomicLong resumes = new AtomicLong();
  final AtomicLong restarts = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  final AtomicLong manifestsPut = new AtomicLong();

  PushStats snapshot() {
    return new PushStats(
        blobHeadHits.get(),
        blobHeadMisses.get(),
        manifestHeadHits.get(),
        mounts.get(),
        blobsUploaded.get(),
        bytesUploaded.get(),
        resumes.get(),
        restarts.get(),
        retries.get(),
        manifestsPut.get());
  }
}
