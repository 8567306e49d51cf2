package dev.apkofarm.core.registry;

import dev.apkofarm.core.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A content-addressed key of everything that determines a published image (the locked config, the engine version,
 * the build options), recorded next to the index at push time so a later publish of the same inputs can be
 * answered "unchanged" without building.
 *
 * @param value SHA-256 of the inputs
 */
public record PublishKey(Digest value) {
  public PublishKey {
    Objects.requireNonNull(value, "value");
  }

  /** The key of these inputs, in order (each part length-prefixed so parts cannot run into each other). */
  public static PublishKey of(String... parts) {
    MessageDigest md = Digest.newSha256();
    for (String p : parts) {
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      md.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
      md.update(b);
    }
    return new PublishKey(Digest.sha256(md.digest()));
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
