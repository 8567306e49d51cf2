package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The build key: identical keys build identical bytes, so one build serves them all. */
final class BuildKeys {
  private BuildKeys() {}

  /**
   * sha256 over the locked per-arch config, the arch, the engine version, the settings and, when pushing, the
   * repository the result is pushed to (a pushed result's blobs live there, not in the coordinator's store).
   */
  static String of(byte[] lockedConfig, Arch arch, String engineVersion, BuildSettings settings,
      String pushRepository) {
    MessageDigest sha = Digest.newSha256();
    sha.update(("apko-farm build key v1\narch " + arch.ociName() + "\nengine " + engineVersion + "\n")
        .getBytes(StandardCharsets.UTF_8));
    sha.update(settings.canonical().getBytes(StandardCharsets.UTF_8));
    if (pushRepository != null) {
      sha.update(("push-repository " + pushRepository + "\n").getBytes(StandardCharsets.UTF_8));
    }
    sha.update(("config " + lockedConfig.length + "\n").getBytes(StandardCharsets.UTF_8));
    sha.update(lockedConfig);
    return Digest.sha256(sha.digest()).toString();
  }
}
