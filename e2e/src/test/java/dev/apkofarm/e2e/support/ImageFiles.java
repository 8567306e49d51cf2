package dev.apkofarm.e2e.support;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A file of an image as Docker unpacked it ({@code docker create} + {@code docker cp}): for images whose entrypoint
 * cannot run (no shell, a stand-in service) what is inside is still checked through the daemon.
 */
public final class ImageFiles {
  private ImageFiles() {}

  /** The content of {@code path} in {@code image} for {@code platform} (a symlink: its target). */
  public static String read(String image, String platform, String path) throws IOException {
    DockerClient docker = Docker.client();
    String id = docker.createContainerCmd(image).withPlatform(platform).withEntrypoint("/nonexistent").exec().getId();
    try (InputStream in = docker.copyArchiveFromContainerCmd(id, path).exec();
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e = tar.getNextEntry();
      if (e == null) {
        throw new IOException(path + " is not in " + image);
      }
      return e.isSymbolicLink() ? e.getLinkName() : new String(tar.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }
}
