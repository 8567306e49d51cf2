package dev.apkofarm.core.sbom;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.RegularFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The image's {@code /etc/os-release} as apko reads it for SBOMs: {@code ID}, {@code NAME}, {@code PRETTY_NAME},
 * {@code VERSION_ID} with surrounding quotes removed; a missing file reads as {@code unknown} / "apko-generated
 * image".
 *
 * @param id {@code ID}
 * @param name {@code NAME}
 * @param prettyName {@code PRETTY_NAME}
 * @param versionId {@code VERSION_ID}
 */
record OsRelease(String id, String name, String prettyName, String versionId) {
  static final OsRelease UNKNOWN = new OsRelease("unknown", "apko-generated image", "", "unknown");

  /** Reads {@code etc/os-release} from the tree (following symlinks). */
  public static OsRelease read(ImageTree tree) throws BadInputException, IOException {
    Optional<RegularFile> file =
        tree.stat("etc/os-release").filter(n -> n instanceof RegularFile).map(n -> (RegularFile) n);
    if (file.isEmpty()) {
      return UNKNOWN;
    }
    return parse(new String(file.get().content().readAllBytes(), StandardCharsets.UTF_8));
  }

  static OsRelease parse(String text) throws BadInputException {
    Map<String, String> kv = new HashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new BadInputException("/etc/os-release: invalid line \"" + line + "\" (expected KEY=value)");
      }
      kv.put(line.substring(0, eq), trimQuotes(line.substring(eq + 1)));
    }
    return new OsRelease(
        kv.getOrDefault("ID", ""),
        kv.getOrDefault("NAME", ""),
        kv.getOrDefault("PRETTY_NAME", ""),
        kv.getOrDefault("VERSION_ID", ""));
  }

  private static String trimQuotes(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == '"') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == '"') {
      b--;
    }
    return s.substring(a, b);
  }
}
