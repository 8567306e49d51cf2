package dev.apkofarm.core.config;

import java.util.List;

/**
 * {@code certificates}: extra CA certificates for the image.
 *
 * @param additional inline certificates ({@code additional}), in the order written
 * @param providers virtual package names whose packages supply CA certificate files to assemble into the system
 *     bundle ({@code providers})
 */
public record Certificates(List<AdditionalCertificate> additional, List<String> providers) {
  public Certificates {
    additional = List.copyOf(additional);
    providers = List.copyOf(providers);
  }
}
