package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.KeyDiscovery;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.cache.UserCache;
import dev.apkofarm.core.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code apko-client install-keys}: discovers the keys of the system's apk repositories and installs them. */
@Command(
    name = "install-keys",
    mixinStandardHelpOptions = true,
    description = {
      "Discover the signing keys of every repository in /etc/apk/repositories (Chainguard-style discovery, as apko's"
          + " install-keys) and write each to /etc/apk/keys/<kid>.rsa.pub.",
      "A repository without key discovery gets none; any other failure stops the command (exit 1)."
    })
final class InstallKeysCommand extends ClientCommand {
  @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
      description = "The root filesystem to read etc/apk/repositories from and write etc/apk/keys into (default: /).")
  Path rootDir;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path base = root.resolve(rootDir);
    Path repositories = base.resolve("etc/apk/repositories");
    String text;
    try {
      text = Files.readString(repositories, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new BadInputException(repositories + " does not exist: no repositories to discover keys for");
    }
    Fetcher fetcher = new Fetcher(Fetcher.Options.defaults(base, Optional.of(UserCache.root())));
    KeyDiscovery discovery = new KeyDiscovery(fetcher, KeyDiscovery.ALPINE_RELEASES, Clock.systemUTC());
    Path keys = base.resolve("etc/apk/keys");
    int written = 0;
    for (String line : text.split("\n")) {
      String entry = line.strip();
      if (entry.isEmpty() || entry.startsWith("#")) {
        continue;
      }
      String url;
      try {
        url = Repository.parse(entry).url();
      } catch (IllegalArgumentException e) {
        throw new BadInputException(repositories + ": " + e.getMessage());
      }
      for (KeyDiscovery.Key k : discovery.chainguardStrict(url)) {
        Files.createDirectories(keys);
        Path file = keys.resolve(k.fileName());
        AtomicFile.write(file, k.pem());
        err().println("wrote " + file + " (" + Fetcher.redact(url) + ")");
        written++;
      }
    }
    err().println(written + " keys installed");
    return 0;
  }
}
