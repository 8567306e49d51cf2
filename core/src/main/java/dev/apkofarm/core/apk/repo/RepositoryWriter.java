package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageVerificationException;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a signed apk repository on disk, for tests, examples and users who package plain files: packages go to
 * {@code <root>/<arch>/<name>-<version>.apk}, the signing key's public half to {@code <root>/<key name>}, and
 * {@link #writeIndexes()} signs an {@code APKINDEX.tar.gz} per arch directory.
 */
public final class RepositoryWriter {
  private final Path root;
  private final SigningKey key;
  private final SignatureAlgorithm algorithm;

  /** A repository at {@code root} signed RSA-SHA256 with {@code key}. */
  public RepositoryWriter(Path root, SigningKey key) throws IOException {
    this(root, key, SignatureAlgorithm.RSA_SHA256);
  }

  public RepositoryWriter(Path root, SigningKey key, SignatureAlgorithm algorithm) throws IOException {
    this.root = root;
    this.key = key;
    this.algorithm = algorithm;
    Files.createDirectories(root);
    Files.writeString(keyFile(), key.publicKey().pem(), StandardCharsets.US_ASCII);
  }

  /** The repository root, as a config's {@code contents.repositories} entry. */
  public Path root() {
    return root;
  }

  /** The public key file, as a config's {@code contents.keyring} entry. */
  public Path keyFile() {
    return root.resolve(key.name());
  }

  /** Writes a package into its arch directory and returns its index entry. */
  public PackageInfo add(PackageSpec spec, PackageContent content) throws IOException {
    Path out = root.resolve(spec.arch()).resolve(spec.name() + "-" + spec.version() + ".apk");
    return PackageWriter.write(spec, content, Optional.of(key), algorithm, out);
  }

  /** Writes (or rewrites) the signed index of every arch directory; returns the arch directories indexed. */
  public List<Path> writeIndexes() throws IOException, PackageVerificationException {
    List<Path> archs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
      ds.forEach(archs::add);
    }
    archs.sort(null);
    for (Path arch : archs) {
      IndexWriter.writeDirectory(arch, Optional.of(key), algorithm, "");
    }
    return archs;
  }
}
