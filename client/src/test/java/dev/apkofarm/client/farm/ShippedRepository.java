package dev.apkofarm.client.farm;

import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A client's local repository for the shipped-package tests: {@code work/repo} holding one signed x86_64 package
 * "big" of {@code size} random bytes (seeded, so the same test makes the same package), its signed index and key, and
 * {@code work/big.yaml} that installs it.
 */
final class ShippedRepository {
  private ShippedRepository() {}

  /** Writes the repository and config under {@code work}; returns the package's file. */
  static Path write(Path work, int size, long seed) throws IOException {
    Path content = Files.createTempFile(work.getParent(), "content-", ".bin");
    try {
      byte[] random = new byte[size];
      new Random(seed).nextBytes(random);
      Files.write(content, random);
      SigningKey key = SigningKey.generate("shipped.rsa.pub", 2048);
      Path arch = Files.createDirectories(work.resolve("repo/x86_64"));
      PackageInfo info = PackageWriter.write(PackageSpec.builder("big", "1.0-r0", "x86_64").build(),
          PackageContent.builder().file("usr/share/big/data", content, 0644).build(),
          Optional.of(key), SignatureAlgorithm.RSA_SHA256, arch.resolve("big-1.0-r0.apk"), 0);
      IndexWriter.write(arch.resolve(IndexWriter.INDEX_FILE), List.of(info), Optional.of(key),
          SignatureAlgorithm.RSA_SHA256, "shipped");
      Files.writeString(work.resolve("repo/shipped.rsa.pub"), key.publicKey().pem(), StandardCharsets.US_ASCII);
      Files.writeString(work.resolve("big.yaml"), "contents:\n  keyring: [repo/shipped.rsa.pub]\n"
          + "  repositories: [repo]\n  packages: [big]\narchs: [amd64]\n");
      return arch.resolve(info.filename());
    } finally {
      Files.deleteIfExists(content);
    }
  }
}
