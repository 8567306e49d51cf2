package dev.apkofarm.core.config;

import java.util.Objects;

/**
 * One {@code contents.runtime_keyring} entry: an inline APK signing public key written to {@code /etc/apk/keys/NAME}
 * after the build (a runtime trust anchor only, never used to verify packages during the build).
 *
 * @param name file name under {@code /etc/apk/keys}; letters, digits, {@code _ - .}, not starting with a dot
 * @param content the PEM public key
 */
public record RuntimeKey(String name, String content) {
  public RuntimeKey {
    ConfigNames.requireSafeFileName(name, "runtime_keyring entry");
    Objects.requireNonNull(content, "content");
    if (content.isEmpty()) {
      throw new IllegalArgumentException("runtime_keyring entry \"" + name + "\" has no content");
    }
  }
}
