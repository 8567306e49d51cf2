package dev.apkofarm.core.config;

import java.util.Objects;

/**
 * One {@code certificates.additional} entry: a PEM certificate appended to the image's CA bundles and installed as
 * its own file.
 *
 * @param name file name stem; letters, digits, {@code _ - .}, not starting with a dot
 * @param content the PEM certificate (apko requires exactly one certificate; checked when it is installed)
 */
public record AdditionalCertificate(String name, String content) {
  public AdditionalCertificate {
    ConfigNames.requireSafeFileName(name, "additional certificate");
    Objects.requireNonNull(content, "content");
  }
}
