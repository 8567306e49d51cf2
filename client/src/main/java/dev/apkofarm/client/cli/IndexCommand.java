package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.sign.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apko-client index}: a signed APKINDEX.tar.gz for the packages of one arch directory. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "Write a signed APKINDEX.tar.gz for the packages of a repository directory (REPO/<arch>).",
      "Every *.apk is verified (datahash) and must be named <name>-<version>.apk."
    })
final class IndexCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "DIR", description = "The arch directory, e.g. repo/x86_64.")
  Path dir;

  @Mixin SigningOptions signing;

  @Option(names = "--description", defaultValue = "", description = "The index DESCRIPTION (e.g. a version).")
  String description;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path archDir = root.resolve(dir);
    if (!Files.isDirectory(archDir)) {
      throw new BadInputException("index: " + archDir + " is not a directory");
    }
    SigningKey key = signing.key(root);
    List<PackageInfo> packages =
        IndexWriter.writeDirectory(archDir, Optional.of(key), signing.algorithm(), description);
    out().println(
        "wrote " + archDir.resolve(IndexWriter.INDEX_FILE) + " (" + packages.size() + " packages, signed by "
            + key.name() + ")");
    return 0;
  }
}
