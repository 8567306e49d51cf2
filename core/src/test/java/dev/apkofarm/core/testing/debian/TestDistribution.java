package dev.apkofarm.core.testing.debian;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The packages of the E2E test repository, made from Debian 12 packages: {@code baselayout}, {@code busybox}
 * (static), and a glibc-linked supervision stack {@code glibc} ← {@code skalibs} ← {@code execline} ← {@code s6}
 * whose dependencies are only the {@code so:} ones computed from its ELF files. Paths follow Debian's (multiarch
 * libraries, {@code /usr/bin}); the symlinks apko's service bundle needs ({@code /bin/s6-svscan},
 * {@code /bin/execlineb}) are added.
 */
public final class TestDistribution {
  /** The {@code ID} in the distribution's {@code /etc/os-release}. */
  public static final String OS_ID = "apkofarm-test";

  private TestDistribution() {}

  /** Every recipe, dependencies first; {@code busyboxApplets} as from {@link #busyboxApplets}. */
  public static List<ApkRecipe> recipes(String busyboxApplets) {
    return List.of(baselayout(), busybox(busyboxApplets), glibc(), skalibs(), execline(), s6());
  }

  public static ApkRecipe baselayout() {
    return ApkRecipe.empty("baselayout", "1.0-r0", "Base files of the apko-farm test distribution")
        .withFile(
            "/etc/os-release",
            "ID=" + OS_ID + "\nNAME=\"apko-farm test distribution\"\nVERSION_ID=1.0\n"
                + "PRETTY_NAME=\"apko-farm test distribution 1.0\"\nHOME_URL=\"https://example.invalid/apko-farm\"\n")
        .withFile("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        .withFile("/etc/group", "root:x:0:root\n")
        .withFile("/etc/shadow", "root:*:::::::\n")
        .withFile("/etc/nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n")
        .withFile("/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost\n")
        .withFile("/root/.keep", "");
  }

  /**
   * Static busybox with its applet list in {@code /etc/busybox-paths.d/busybox} (the image finisher turns it into
   * links, as apko does for Wolfi) and {@code /bin/sh} shipped as a link so a shell exists without the finisher.
   */
  public static ApkRecipe busybox(String applets) {
    return ApkRecipe.fromDebian("busybox", "Static busybox (Debian busybox-static)", "busybox-static")
        .withExcludes("/usr/share/initramfs-tools")
        .withFile("/etc/busybox-paths.d/busybox", applets)
        .withSymlink("/bin/sh", "/bin/busybox")
        .withProvides("cmd:busybox", "cmd:sh");
  }

  public static ApkRecipe glibc() {
    return ApkRecipe.fromDebian("glibc", "GNU C library (Debian libc6)", "libc6");
  }

  public static ApkRecipe skalibs() {
    return ApkRecipe.fromDebian("skalibs", "skarnet.org library (Debian libskarnet2.13)", "libskarnet2.13");
  }

  public static ApkRecipe execline() {
    return ApkRecipe.fromDebian("execline", "execline scripting language", "libexecline2.9", "execline")
        .withSymlink("/bin/execlineb", "/usr/bin/execlineb");
  }

  public static ApkRecipe s6() {
    return ApkRecipe.fromDebian("s6", "s6 process supervision suite", "libs6-2.11", "s6")
        .withSymlink("/bin/s6-svscan", "/usr/bin/s6-svscan");
  }

  /** The architecture of this machine, if the distribution can be made for it. */
  public static Arch hostArch() {
    String os = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (os) {
      case "amd64", "x86_64" -> Arch.AMD64;
      case "aarch64", "arm64" -> Arch.ARM64;
      default -> throw new IllegalStateException("no test distribution for host architecture " + os);
    };
  }

  /**
   * The applet paths of Debian's busybox-static ({@code /bin/sh}, {@code /usr/bin/id}, ...), one per line, from
   * {@code busybox --list-full} of the host's own build (every architecture ships the same version).
   */
  public static String busyboxApplets(DebianArchive archive, Path workDir) throws IOException {
    Path root = Files.createDirectories(workDir).resolve("busybox-applets");
    TemporaryDirectory.deleteTree(root);
    archive.fetch("busybox-static", hostArch()).unpackInto(root);
    ExternalTools.Result r = DebianArchive.run(root, root.resolve("bin/busybox").toString(), "--list-full");
    if (r.exitCode() != 0 || r.stdout().isBlank()) {
      throw new IOException("busybox --list-full failed: " + r.output().strip());
    }
    TemporaryDirectory.deleteTree(root);
    return Arrays.stream(r.stdout().split("\n"))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(s -> s.startsWith("/") ? s : "/" + s)
            .sorted()
            .collect(Collectors.joining("\n"))
        + "\n";
  }
}
