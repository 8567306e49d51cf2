package dev.apkofarm.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.LoadImageCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.apkofarm.core.oci.DockerArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Puts a built image into the Docker daemon through the Docker client Testcontainers uses (its load API, as
 * {@code docker load}), tagged with its name, and answers whether the daemon has an image of a name.
 */
final class DockerLoad {
  private DockerLoad() {}

  /** Whether the daemon has {@code image} ({@code docker image inspect}). */
  static boolean present(DockerClient docker, String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /**
   * Writes {@code files} as a {@code docker load} tarball tagged {@code image} (core's {@link DockerArchive}, the
   * tarball {@code apko-client build} writes) into their scratch directory and loads it.
   */
  static void load(DockerClient docker, String image, ImageFiles files) throws IOException {
    Path tarball = files.scratch().path().resolve("image.tar");
    DockerArchive.write(
        tarball,
        files.indexJson(),
        List.of(new DockerArchive.Image(List.of(image), files.manifest(), files.config(), files.layers())),
        files.blobs());
    try (InputStream in = Files.newInputStream(tarball)) {
      // The async form reads the daemon's whole progress stream: the image is in once it ends.
      docker.loadImageAsyncCmd(in).exec(new LoadImageCallback()).awaitMessage();
    } catch (DockerException | DockerClientException e) {
      throw new IOException("docker load of " + image + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(tarball);
    }
    if (!present(docker, image)) {
      throw new IOException("docker load did not create " + image);
    }
  }
}
