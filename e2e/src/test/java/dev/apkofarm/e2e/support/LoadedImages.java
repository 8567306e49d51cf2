package dev.apkofarm.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.LoadImageCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Images a test put into the daemon with {@code docker load} (or pulled from the local test registry); closing
 * removes them again, so runs leave the daemon as they found it.
 */
public final class LoadedImages implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private final Set<String> refs = new LinkedHashSet<>();

  /**
   * The repository {@code apkofarm-e2e/<name>-<run>} for a test's images, unique to this run: suites run at once
   * against one daemon (several checkouts on one build machine) would otherwise remove each other's images.
   */
  public static String repository(String name) {
    return "apkofarm-e2e/" + name + "-" + RUN;
  }

  /**
   * Loads a {@code docker save}-format tarball and returns the tags its {@code manifest.json} names, each
   * checked to be present in the daemon afterwards.
   */
  public List<String> load(Path tarball) throws IOException {
    List<String> tags = repoTags(tarball);
    DockerClient docker = Docker.client();
    // The async form reads the daemon's whole progress stream, so every image of the tarball is in when it ends
    // (the plain loadImageCmd can return while the daemon is still loading the second image of a tarball).
    try (InputStream in = Files.newInputStream(tarball)) {
      docker.loadImageAsyncCmd(in).exec(new LoadImageCallback()).awaitMessage();
    }
    for (String tag : tags) {
      refs.add(tag);
      try {
        docker.inspectImageCmd(tag).exec();
      } catch (NotFoundException e) {
        throw new AssertionError("docker load of " + tarball + " did not create " + tag, e);
      }
    }
    return tags;
  }

  /**
   * Records an image obtained otherwise ({@code docker pull} from the test registry, an {@code ApkoImage}) for
   * removal; returns {@code ref}.
   */
  public String track(String ref) {
    refs.add(ref);
    return ref;
  }

  /** The {@code RepoTags} of a docker-save tarball's {@code manifest.json}. */
  public static List<String> repoTags(Path tarball) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(tarball))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.getName().equals("manifest.json")) {
          List<String> tags = new ArrayList<>();
          for (JsonNode image : JSON.readTree(tar.readAllBytes())) {
            image.path("RepoTags").forEach(t -> tags.add(t.asText()));
          }
          return tags;
        }
      }
    }
    throw new IOException(tarball + " has no manifest.json: not a docker-load tarball");
  }

  @Override
  public void close() {
    DockerClient docker = Docker.client();
    for (String ref : refs) {
      try {
        docker.removeImageCmd(ref).withForce(true).exec();
      } catch (NotFoundException e) {
        // already gone: nothing to clean
      }
    }
    refs.clear();
  }
}
