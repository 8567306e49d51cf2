package dev.apkofarm.core.testing.debian;

import dev.apkofarm.core.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One downloaded Debian binary package: its file and the control fields the test repository needs. */
public record DebPackage(Path file, String name, String version, String architecture) {
  private static final Pattern DEBIAN_VERSION =
      Pattern.compile("(?:\\d+:)?(?<upstream>\\d+(?:\\.\\d+)*)[^-]*(?:-(?<revision>\\d+).*)?");

  /** Reads the control fields of a {@code .deb} with {@code dpkg-deb}. */
  public static DebPackage open(Path file) throws IOException {
    ExternalTools.Result r =
        DebianArchive.run(file.getParent(), "dpkg-deb", "--showformat=${Package}\\n${Version}\\n${Architecture}\\n",
            "--show", file.toString());
    String[] lines = r.stdout().split("\n");
    if (r.exitCode() != 0 || lines.length < 3) {
      throw new IOException("dpkg-deb cannot read " + file + ": " + r.output().strip());
    }
    return new DebPackage(file, lines[0].strip(), lines[1].strip(), lines[2].strip());
  }

  /** Extracts the package's files (not its maintainer scripts) under {@code root}, keeping modes and links. */
  public void unpackInto(Path root) throws IOException {
    Files.createDirectories(root);
    ExternalTools.Result r = DebianArchive.run(root, "dpkg-deb", "-x", file.toString(), root.toString());
    if (r.exitCode() != 0) {
      throw new IOException("dpkg-deb -x " + file + " failed: " + r.output().strip());
    }
  }

  /**
   * The version as apk spells it: the upstream version's leading dotted number and the Debian revision's leading
   * number as the release ({@code 1:1.35.0-4+deb12u1+b1} gives {@code 1.35.0-r4}).
   */
  public String apkVersion() {
    Matcher m = DEBIAN_VERSION.matcher(version);
    if (!m.matches()) {
      throw new IllegalStateException(name + ": cannot turn Debian version " + version + " into an apk version");
    }
    String revision = m.group("revision");
    return m.group("upstream") + "-r" + (revision == null ? "0" : revision);
  }
}
