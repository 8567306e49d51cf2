package dev.apkofarm.core.registry;

import java.util.List;

/**
 * What a {@link Publisher} does beyond pushing the image.
 *
 * @param dockerMediaTypes push Docker schema 2 media types instead of OCI ({@code --docker-media-types})
 * @param mountFrom other repositories of the same registry to mount missing blobs from
 */
public record PublishOptions(boolean dockerMediaTypes, List<String> mountFrom) {
  public PublishOptions {
    mountFrom = List.copyOf(mountFrom);
  }

  /** OCI media types, no mount sources. */
  public static PublishOptions defaults() {
    return new PublishOptions(false, List.of());
  }
}
