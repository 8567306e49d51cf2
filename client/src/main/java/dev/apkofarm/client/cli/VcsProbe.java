package dev.apkofarm.client.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * {@code --vcs}: the {@code vcs-url} apko finds for a config, {@code <origin URL>@<HEAD commit>}. As in apko, the git
 * checkout is looked for from the config's directory upwards, but never above the working directory ({@code -C}); the
 * remote {@code origin}'s first URL loses any user information, and an scp-style address
 * ({@code git@host:org/repo}) becomes {@code git+ssh://host/org/repo}. Read with JGit: no git program is needed.
 * Nothing found is no error: the image then has no source annotations.
 */
final class VcsProbe {
  private VcsProbe() {}

  /** The vcs-url for the config at {@code configFile}, looked for up to {@code top}. */
  static Optional<String> probe(Path configFile, Path top) {
    Path start = Files.isDirectory(configFile) ? configFile : configFile.toAbsolutePath().getParent();
    Path stop = top.toAbsolutePath().normalize();
    for (Path dir = start == null ? null : start.normalize(); dir != null && dir.startsWith(stop);
        dir = dir.getParent()) {
      if (Files.exists(dir.resolve(".git"))) {
        return read(dir);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> read(Path dir) {
    try (Repository repo = new FileRepositoryBuilder().setWorkTree(dir.toFile()).setMustExist(true).build()) {
      String url = repo.getConfig().getString("remote", "origin", "url");
      ObjectId head = repo.resolve("HEAD");
      if (url == null || url.isBlank()) {
        return Optional.empty();
      }
      String normal = normalise(url.trim());
      return Optional.of(head == null ? normal : normal + "@" + head.name());
    } catch (IOException | IllegalArgumentException | URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** apko's URL clean-up: drop user information; an scp-style address becomes a git+ssh URL. */
  static String normalise(String url) throws URISyntaxException {
    URI uri;
    if (url.contains("://")) {
      uri = new URI(url);
    } else if (url.matches("^[^/]*:.*")) {
      uri = new URI("git+ssh://" + url.replaceFirst(":", "/"));
    } else {
      uri = new URI(url);
    }
    return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
        uri.getFragment()).toString();
  }
}
