package dev.apkofarm.core.apk.pkg;

import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.PackageNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code .PKGINFO} file of a package's control section, read: what it says becomes a {@link PackageInfo}
 * ({@link #toPackageInfo}), after {@link #problem()} has checked it. The format: {@code key = value} lines, {@code #}
 * comments, list keys
 * ({@code depend}, {@code provides}, {@code install_if}, {@code replaces}, {@code triggers}) repeated once per
 * value. Values are read the way apko's go-apk reads them (it uses an INI parser): trimmed, cut at an inline
 * {@code #} or {@code ;}, surrounding quotes removed, the first occurrence of a single-valued key wins, and repeated
 * identical values of a list key count once. Those rules make the installed database we write match apko's.
 *
 * @param fields every key with all its values, in file order
 */
public record PkgInfo(Map<String, List<String>> fields) {
  /** Non-negative decimal, short enough to parse as a long. */
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");
  /**
   * The numeric fields and their largest accepted value: sizes up to 2^53 (exact in every JSON reader), build dates
   * up to 9999-12-31T23:59:59Z, priorities up to 2^31-1.
   */
  private static final Map<String, Long> NUMBER_RANGES =
      Map.of(
          "size", 1L << 53,
          "builddate", 253_402_300_799L,
          "provider_priority", (long) Integer.MAX_VALUE,
          "replaces_priority", (long) Integer.MAX_VALUE);

  public PkgInfo {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    fields = Collections.unmodifiableMap(copy);
  }

  /** Parses {@code .PKGINFO} bytes. */
  public static PkgInfo parse(byte[] content) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    String text = new String(content, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    for (String rawLine : text.split("\n", -1)) {
      String line = rawLine.strip();
      if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';' || line.charAt(0) == '[') {
        continue;
      }
      int delim = indexOfAny(line, "=:");
      if (delim <= 0) {
        // go-apk would reject the whole .PKGINFO; a line we cannot read carries nothing we could use.
        continue;
      }
      String key = line.substring(0, delim).strip();
      String value = value(line.substring(delim + 1));
      List<String> values = fields.computeIfAbsent(key, k -> new ArrayList<>());
      if (!values.contains(value)) {
        values.add(value);
      }
    }
    return new PkgInfo(fields);
  }

  private static String value(String raw) {
    String v = raw.strip();
    if (v.startsWith("\"\"\"") && v.length() > 3) {
      int end = v.lastIndexOf("\"\"\"");
      return end > 2 ? v.substring(3, end) : v.substring(3);
    }
    if (v.startsWith("`")) {
      int end = v.lastIndexOf('`');
      return end > 0 ? v.substring(1, end) : v.substring(1);
    }
    int comment = indexOfAny(v, "#;");
    if (comment >= 0) {
      v = v.substring(0, comment).strip();
    }
    if (v.length() >= 2) {
      char q = v.charAt(0);
      if ((q == '"' || q == '\'') && v.charAt(v.length() - 1) == q && v.indexOf(q, 1) == v.length() - 1) {
        v = v.substring(1, v.length() - 1);
      }
    }
    return v;
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** The first value of a key. */
  public Optional<String> first(String key) {
    List<String> v = fields.get(key);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** Every value of a list key; a value containing commas counts as several (the INI list rule). */
  public List<String> list(String key) {
    List<String> v = fields.get(key);
    if (v == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String s : v) {
      for (String part : s.split(",", -1)) {
        out.add(part.strip());
      }
    }
    return out;
  }

  private String string(String key) {
    return first(key).orElse("");
  }

  private long number(String key) {
    String v = string(key);
    if (v.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(".PKGINFO " + key + " is not a number: " + InputText.quote(v));
    }
  }

  /**
   * Why this {@code .PKGINFO} cannot describe a package we install, if it cannot: {@code pkgname} and {@code pkgver}
   * must follow apk's grammar ({@link PackageNames}), the numbers ({@code size}, {@code builddate}, the priorities)
   * must be decimal and in range, and no key or value may hold a control character (values become lines of the
   * installed database and parts of messages).
   */
  public Optional<String> problem() {
    for (Map.Entry<String, List<String>> f : fields.entrySet()) {
      if (InputText.hasUnsafe(f.getKey())) {
        return Optional.of("has a key with a control character: " + InputText.quote(f.getKey()));
      }
      for (String v : f.getValue()) {
        if (InputText.hasUnsafe(v)) {
          return Optional.of(f.getKey() + " has a control character: " + InputText.quote(v));
        }
      }
    }
    String problem = PackageNames.nameProblem(name());
    if (problem == null) {
      problem = PackageNames.versionProblem(version());
    }
    if (problem != null) {
      return Optional.of(problem);
    }
    for (Map.Entry<String, Long> n : NUMBER_RANGES.entrySet()) {
      String v = string(n.getKey());
      if (!v.isEmpty() && (!DECIMAL.matcher(v).matches() || Long.parseLong(v) > n.getValue())) {
        return Optional.of(n.getKey() + " " + InputText.quote(v) + " is not a number from 0 to " + n.getValue());
      }
    }
    return Optional.empty();
  }

  private String name() {
    return string("pkgname");
  }

  private String version() {
    return string("pkgver");
  }

  private String arch() {
    return string("arch");
  }

  private String description() {
    return string("pkgdesc");
  }

  private String url() {
    return string("url");
  }

  private String license() {
    return string("license");
  }

  private String origin() {
    return string("origin");
  }

  private String maintainer() {
    return string("maintainer");
  }

  private String commit() {
    return string("commit");
  }

  /** Installed size in bytes ({@code size}). */
  private long installedSize() {
    return number("size");
  }

  /** Build time in seconds since the epoch ({@code builddate}). */
  private long buildDate() {
    return number("builddate");
  }

  private long providerPriority() {
    return number("provider_priority");
  }

  private long replacesPriority() {
    return number("replaces_priority");
  }

  private List<String> depends() {
    return list("depend");
  }

  private List<String> provides() {
    return list("provides");
  }

  /** install_if conditions: each value is a space-separated list, as written by abuild and melange. */
  private List<String> installIf() {
    List<String> out = new ArrayList<>();
    for (String v : installIfValues()) {
      for (String t : v.split(" ")) {
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** The {@code install_if} values as written. */
  private List<String> installIfValues() {
    return list("install_if");
  }

  private List<String> replaces() {
    return list("replaces");
  }

  /** Trigger paths (the raw {@code triggers} values; apk splits them on spaces). */
  private List<String> triggers() {
    return list("triggers");
  }

  /** The SHA-256 of the data section as hex ({@code datahash}). */
  public Optional<String> dataHash() {
    return first("datahash").filter(s -> !s.isEmpty());
  }

  /**
   * This package's metadata: what {@code apko-client index} lists for it and the installed database records.
   *
   * @param controlSha1 the SHA-1 of the control section (the index checksum)
   * @param fileSize the size of the .apk file
   */
  public PackageInfo toPackageInfo(byte[] controlSha1, long fileSize) {
    return PackageInfo.builder(name(), version())
        .checksum(PackageInfo.checksumOf(controlSha1))
        .arch(arch())
        .size(fileSize)
        .installedSize(installedSize())
        .description(description())
        .url(url())
        .license(license())
        .origin(origin())
        .maintainer(maintainer())
        .buildTime(buildDate())
        .commit(commit())
        .depends(depends())
        .provides(provides())
        .installIf(installIf())
        .providerPriority(providerPriority())
        .replaces(replaces())
        .replacesPriority(replacesPriority())
        .triggers(triggers())
        .build();
  }
}
