package dev.apkofarm.core.install;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.fs.ContentRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads an installed database ({@code lib/apk/db/installed} format: {@code X:value} lines, one record per package,
 * records separated by blank lines) the way apko reads a base image's {@code APKINDEX}, and gives each package back
 * with the record apko writes for it into the image on top.
 *
 * <p>apko's reader has quirks that its golden images are made of, so they are kept: a record counts only once a
 * blank line ends it (a last record without one is dropped, and we say so); {@code M:} and {@code a:} lines are
 * checked but lost (every directory is recorded as 0755 and every file as 0644, root-owned); {@code Z:} lines are
 * ignored; a package without {@code t:} has Go's zero time ({@code t:-62135596800}); lists are split on single
 * spaces, so an empty {@code D:} is one empty entry and {@code i:[]} is the single entry {@code []} (written back as
 * {@code i:[[]]}).
 */
public final class InstalledDatabase {
  /** Seconds of Go's zero {@code time.Time} since the Unix epoch. */
  static final long GO_ZERO_TIME = -62135596800L;
  /** A base image's database is a few MiB at most; anything bigger is not one. */
  public static final int MAX_BYTES = 64 << 20;

  private InstalledDatabase() {}

  /**
   * Parses {@code text}.
   *
   * @param what names the file in messages
   * @param warnings receives notes (a dropped last record)
   * @return the packages in file order, each with the record apko writes for it
   * @throws BadInputException naming the file and line when a line is malformed
   */
  public static List<InstalledPackage> parse(byte[] text, String what, Consumer<String> warnings)
      throws BadInputException {
    if (text.length > MAX_BYTES) {
      throw new BadInputException(what + " is larger than " + MAX_BYTES + " bytes: not an installed database");
    }
    List<InstalledPackage> out = new ArrayList<>();
    Record current = new Record();
    String[] lines = new String(text, StandardCharsets.UTF_8).split("\n", -1);
    // split leaves one empty string after a final newline: that is not a line
    int count = text.length > 0 && text[text.length - 1] == '\n' ? lines.length - 1 : lines.length;
    for (int i = 0; i < count; i++) {
      String line = lines[i];
      int lineNumber = i + 1;
      if (line.isEmpty()) {
        if (!current.name.isEmpty()) {
          out.add(current.finish(what));
        }
        current = new Record();
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != ':') {
        throw new BadInputException(what + ":" + lineNumber + ": expected \"X:value\", found \"" + abbreviate(line) + "\"");
      }
      current.field(line.charAt(0), line.substring(2), what, lineNumber);
    }
    if (!current.name.isEmpty()) {
      warnings.accept(what + ": the last record (" + current.name + ") does not end with a blank line; apko ignores"
          + " it, and so does this build");
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  /** One package being read; fields as apko's reader keeps them. */
  private static final class Record {
    String name = "";
    String version = "";
    String arch = "";
    String license = "";
    String description = "";
    String origin = "";
    String maintainer = "";
    String url = "";
    List<String> depends = List.of();
    List<String> provides = List.of();
    List<String> replaces = List.of();
    String commit = "";
    List<String> installIf = List.of();
    long buildDate = GO_ZERO_TIME;
    long size;
    long installedSize;
    long providerPriority;
    byte[] checksum = new byte[0];
    final List<DataEntry> files = new ArrayList<>();
    /** The directory of the last {@code F:} ("" for the top level), null before any. */
    String lastDir;
    boolean hasLastFile;

    void field(char token, String value, String what, int line) throws BadInputException {
      switch (token) {
        case 'P' -> name = value;
        case 'V' -> version = value;
        case 'A' -> arch = value;
        case 'L' -> license = value;
        case 'T' -> description = value;
        case 'o' -> origin = value;
        case 'm' -> maintainer = value;
        case 'U' -> url = value;
        case 'D' -> depends = List.of(value.split(" ", -1));
        case 'p' -> provides = List.of(value.split(" ", -1));
        case 'r' -> replaces = List.of(value.split(" ", -1));
        case 'c' -> commit = value;
        case 'i' -> installIf = List.of(value.split(" ", -1));
        case 't' -> buildDate = number(value, "build time", what, line, true);
        case 'S' -> size = number(value, "size", what, line, false);
        case 'I' -> installedSize = number(value, "installed size", what, line, false);
        case 'k' -> providerPriority = number(value, "provider priority", what, line, false);
        case 'C' -> {
          if (value.startsWith("Q1")) {
            try {
              checksum = Base64.getDecoder().decode(value.substring(2));
            } catch (IllegalArgumentException e) {
              throw new BadInputException(what + ":" + line + ": checksum \"" + value + "\" is not Q1 + base64");
            }
          }
        }
        case 'F' -> {
          checkPath(value, what, line);
          lastDir = value;
          hasLastFile = false;
          if (!value.isEmpty()) {
            files.add(entry(value, DataEntry.Kind.DIRECTORY, 0755));
          }
        }
        case 'M' -> {
          if (lastDir == null) {
            throw new BadInputException(what + ":" + line + ": M: before any F: (no directory to set permissions on)");
          }
          if (lastDir.isEmpty()) {
            throw new BadInputException(what + ":" + line + ": M: cannot apply to the top-level directory");
          }
          permissions(value, what, line);
        }
        case 'R' -> {
          checkPath(value, what, line);
          if (value.isEmpty() || value.contains("/")) {
            throw new BadInputException(what + ":" + line + ": R: \"" + value + "\" is not a file name");
          }
          String path = lastDir == null || lastDir.isEmpty() ? value : lastDir + "/" + value;
          files.add(entry(path, DataEntry.Kind.FILE, 0644));
          hasLastFile = true;
        }
        case 'a' -> {
          if (!hasLastFile) {
            throw new BadInputException(what + ":" + line + ": a: before any R: (no file to set permissions on)");
          }
          permissions(value, what, line);
        }
        default -> {
          // other fields (Z: checksums, q:, ...) are not kept, as in apko
        }
      }
    }

    InstalledPackage finish(String what) throws BadInputException {
      PackageInfo meta;
      try {
        PackageInfo.Builder b =
            PackageInfo.builder(name, version).arch(arch).license(license).description(description).origin(origin)
                .maintainer(maintainer).url(url).depends(depends).provides(provides).replaces(replaces)
                .commit(commit).installIf(installIf).buildTime(buildDate).size(size).installedSize(installedSize)
                .providerPriority(providerPriority);
        if (checksum.length > 0) {
          b.checksum(PackageInfo.checksumOf(checksum));
        }
        meta = b.build();
      } catch (IllegalArgumentException e) {
        throw new BadInputException(what + ": package " + name + ": " + e.getMessage(), e);
      }
      byte[] record = InstalledRecord.format(meta, files);
      List<String> names = new ArrayList<>();
      for (DataEntry e : InstalledRecord.sortedFiles(files)) {
        if (e.kind() != DataEntry.Kind.DIRECTORY) {
          names.add(InstalledRecord.clean(e.name()));
        }
      }
      return new InstalledPackage(meta, record, names);
    }

    private static DataEntry entry(String name, DataEntry.Kind kind, int mode) {
      return new DataEntry(
          name, kind, mode, 0, 0, 0, "", new TreeMap<>(), Optional.empty(),
          kind == DataEntry.Kind.FILE ? Optional.of(ContentRef.empty()) : Optional.empty());
    }

    private static void checkPath(String value, String what, int line) throws BadInputException {
      for (String part : value.split("/", -1)) {
        if (part.equals("..") || part.equals(".") || (part.isEmpty() && !value.isEmpty())) {
          throw new BadInputException(what + ":" + line + ": path \"" + abbreviate(value) + "\" is not a clean"
              + " relative path");
        }
      }
      if (value.indexOf('\0') >= 0) {
        throw new BadInputException(what + ":" + line + ": path contains a NUL byte");
      }
    }

    private static void permissions(String value, String what, int line) throws BadInputException {
      String[] parts = value.split(":", -1);
      try {
        if (parts.length == 3) {
          Integer.parseInt(parts[0]);
          Integer.parseInt(parts[1]);
          Long.parseLong(parts[2], 8);
          return;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new BadInputException(what + ":" + line + ": \"" + abbreviate(value) + "\" is not uid:gid:octal-mode");
    }

    private static long number(String value, String field, String what, int line, boolean signed)
        throws BadInputException {
      try {
        long n = Long.parseLong(value);
        if (signed || n >= 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new BadInputException(what + ":" + line + ": " + field + " \"" + abbreviate(value) + "\" is not a number");
    }
  }
}
