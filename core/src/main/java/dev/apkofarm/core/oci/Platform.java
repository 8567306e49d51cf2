package dev.apkofarm.core.oci;

import dev.apkofarm.core.config.Arch;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI platform ({@code os}, {@code architecture}, optional {@code variant}).
 *
 * @param os always {@code linux} for images we build
 * @param architecture e.g. {@code amd64}, {@code arm}
 * @param variant e.g. {@code v7}
 */
public record Platform(String os, String architecture, Optional<String> variant) {
  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(variant, "variant");
  }

  /** The linux platform of {@code arch}. */
  public static Platform of(Arch arch) {
    return new Platform("linux", arch.ociArchitecture(), arch.ociVariant());
  }

  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }
}
