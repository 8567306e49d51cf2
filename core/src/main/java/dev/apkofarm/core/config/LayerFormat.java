package dev.apkofarm.core.config;

import java.util.Optional;

/** {@code format}: the layer payload format. Absent means {@link #TAR}. */
public enum LayerFormat {
  /** gzip-compressed tar layers, the OCI/Docker default. */
  TAR("tar"),
  /** Uncompressed EROFS filesystem layers (experimental in apko). */
  EROFS("erofs");

  private final String yamlName;

  LayerFormat(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The spelling in the config ({@code tar}, {@code erofs}). */
  public String yamlName() {
    return yamlName;
  }

  /** Parses the config spelling. */
  public static Optional<LayerFormat> parse(String name) {
    for (LayerFormat f : values()) {
      if (f.yamlName.equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return yamlName;
  }
}
