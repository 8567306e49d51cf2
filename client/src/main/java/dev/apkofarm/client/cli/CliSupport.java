package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.SignatureAlgorithm;
import java.util.Locale;

/** Small conversions the apk commands share: environment defaults and option values. */
final class CliSupport {
  private CliSupport() {}

  /** {@code $SOURCE_DATE_EPOCH} in seconds, or 0 when unset. */
  static long sourceDateEpoch() throws BadInputException {
    String v = System.getenv("SOURCE_DATE_EPOCH");
    if (v == null || v.isBlank()) {
      return 0;
    }
    try {
      long epoch = Long.parseLong(v.trim());
      if (epoch < 0) {
        throw new NumberFormatException();
      }
      return epoch;
    } catch (NumberFormatException e) {
      throw new BadInputException("SOURCE_DATE_EPOCH=\"" + v + "\" is not a non-negative number of seconds");
    }
  }

  static SignatureAlgorithm signatureAlgorithm(String name) throws BadInputException {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "rsa256":
      case "rsa-sha256":
        return SignatureAlgorithm.RSA_SHA256;
      case "rsa":
      case "rsa-sha1":
        return SignatureAlgorithm.RSA_SHA1;
      default:
        throw new BadInputException("unknown signature algorithm \"" + name + "\" (rsa256 or rsa)");
    }
  }
}
