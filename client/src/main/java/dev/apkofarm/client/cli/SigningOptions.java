package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The key and algorithm {@code pack} and {@code index} sign with; a picocli mixin. */
final class SigningOptions {
  @Option(names = "--signing-key", required = true, paramLabel = "KEY", description = "PEM RSA private key.")
  Path signingKey;

  @Option(
      names = "--signature-algorithm",
      defaultValue = "rsa256",
      description = "rsa256 (RSA/SHA-256, default) or rsa (RSA/SHA-1).")
  String signatureAlgorithm;

  /** The key, its path resolved by {@code root}. */
  SigningKey key(ApkoClientCommand root) throws BadInputException {
    return SigningKey.load(root.resolve(signingKey));
  }

  SignatureAlgorithm algorithm() throws BadInputException {
    switch (signatureAlgorithm.toLowerCase(Locale.ROOT)) {
      case "rsa256":
      case "rsa-sha256":
        return SignatureAlgorithm.RSA_SHA256;
      case "rsa":
      case "rsa-sha1":
        return SignatureAlgorithm.RSA_SHA1;
      default:
        throw new BadInputException("unknown signature algorithm \"" + signatureAlgorithm + "\" (rsa256 or rsa)");
    }
  }
}
