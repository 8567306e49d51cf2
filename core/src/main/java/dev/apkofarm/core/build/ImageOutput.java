package dev.apkofarm.core.build;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.BlobSource;
import dev.apkofarm.core.oci.DockerArchive;
import dev.apkofarm.core.oci.OciLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes a built image out: into an existing directory as an OCI image layout, otherwise as a {@code docker load}
 * tarball holding every arch. In the tarball the primary arch (the host's, when built) is tagged exactly {@code TAG},
 * the others {@code TAG-<arch>} (e.g. {@code golden:latest-arm64}, {@code golden:latest-arm_v7}).
 */
public final class ImageOutput {
  private ImageOutput() {}

  /** Where the build went. */
  public enum Kind {
    OCI_LAYOUT,
    DOCKER_TARBALL
  }

  /** Writes {@code image} to {@code output}; returns which kind of output it wrote. */
  public static Kind write(Path output, BuiltImage image, String tag, Optional<Arch> host, BlobSource blobs)
      throws IOException {
    if (Files.isDirectory(output)) {
      OciLayout.write(output, image.indexJson(), image.imageBlobs(), blobs);
      return Kind.OCI_LAYOUT;
    }
    Arch primary = primaryArch(image, host);
    List<DockerArchive.Image> images = new ArrayList<>();
    for (BuiltArch a : image.archs()) {
      List<dev.apkofarm.core.oci.Descriptor> layers = new ArrayList<>();
      a.layers().forEach(l -> layers.add(l.blob()));
      String t = a.arch() == primary ? repoTag(tag) : archTag(tag, a.arch());
      images.add(new DockerArchive.Image(List.of(t), a.manifest(), a.config(), layers));
    }
    DockerArchive.write(output, image.indexJson(), images, blobs);
    return Kind.DOCKER_TARBALL;
  }

  /** The host's arch when it was built, else the first arch of the index. */
  static Arch primaryArch(BuiltImage image, Optional<Arch> host) {
    for (BuiltArch a : image.archs()) {
      if (host.isPresent() && a.arch() == host.get()) {
        return a.arch();
      }
    }
    return image.archs().get(0).arch();
  }

  /** {@code name:tag}, adding {@code :latest} when the reference has no tag. */
  static String repoTag(String tag) {
    int slash = tag.lastIndexOf('/');
    int colon = tag.lastIndexOf(':');
    return colon > slash ? tag : tag + ":latest";
  }

  /** {@code name:tag-<arch>} with {@code /} in the arch as {@code _}. */
  static String archTag(String tag, Arch arch) {
    return repoTag(tag) + "-" + arch.ociName().replace('/', '_');
  }
}
