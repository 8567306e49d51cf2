package dev.apkofarm.core.testing.debian;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.testing.ExternalTools;
import dev.apkofarm.core.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian binary packages ({@code .deb}) for any architecture apt knows, fetched with {@code apt-get download} into a
 * cache directory that outlives {@code mvn clean}, so a rerun downloads nothing.
 *
 * <p>Needs Debian's {@code apt-get} and {@code dpkg-deb}, and {@code dpkg --add-architecture} for foreign archs
 * ({@code scripts/test} does that as root). Where they are missing, tests skip with one clear line on a developer
 * machine and fail in CI ({@code CI=true}).
 */
public final class DebianArchive {
  private static final Map<Arch, String> DEBIAN_ARCH =
      Map.of(
          Arch.AMD64, "amd64",
          Arch.ARM64, "arm64",
          Arch.X86, "i386",
          Arch.ARMV7, "armhf",
          Arch.PPC64LE, "ppc64el",
          Arch.RISCV64, "riscv64",
          Arch.S390X, "s390x");
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

  private final Path cacheDir;

  /** Uses {@code cacheDir} for downloads (created when missing). */
  public DebianArchive(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /** The user's cache: {@code $XDG_CACHE_HOME/apko-farm/debian}, else {@code ~/.cache/apko-farm/debian}. */
  public static DebianArchive inUserCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return new DebianArchive(base.resolve("apko-farm").resolve("debian"));
  }

  /** Debian's name for an architecture ({@code amd64}, {@code arm64}, {@code armhf}, ...). */
  public static String debianArch(Arch arch) {
    String name = DEBIAN_ARCH.get(arch);
    if (name == null) {
      throw new IllegalArgumentException("no Debian architecture for " + arch.ociName());
    }
    return name;
  }

  /**
   * Skips the calling test (fails it in CI) unless {@code apt-get} and {@code dpkg-deb} exist and apt knows the
   * given architectures.
   */
  public static void assumeAvailable(Arch... archs) {
    String problem = null;
    if (ExternalTools.find("apt-get").isEmpty() || ExternalTools.find("dpkg-deb").isEmpty()) {
      problem = "apt-get/dpkg-deb not found (a Debian machine is needed)";
    } else {
      for (Arch arch : archs) {
        String deb = debianArch(arch);
        try {
          ExternalTools.Result r = run(Path.of("."), "apt-cache", "show", "busybox-static:" + deb);
          if (r.exitCode() != 0) {
            problem =
                "apt knows no packages for " + deb + " (as root: dpkg --add-architecture " + deb
                    + " && apt-get update; scripts/test does it)";
            break;
          }
        } catch (IOException e) {
          problem = "apt-cache failed: " + e.getMessage();
          break;
        }
      }
    }
    if (problem != null) {
      throw TestEnvironment.missing("Debian packages unavailable: " + problem);
    }
  }

  /**
   * The {@code .deb} of {@code name} for {@code arch} (apt's candidate version), downloaded once into the cache.
   * An architecture-independent package that is not installed for a foreign {@code arch} is named with Debian's
   * {@code :all} qualifier ({@code ca-certificates:all}): apt has no candidate for {@code ca-certificates:arm64}
   * on an amd64 machine.
   *
   * @throws IOException naming the package when apt cannot download it
   */
  public DebPackage fetch(String name, Arch arch) throws IOException {
    String deb = debianArch(arch);
    Path dir = Files.createDirectories(cacheDir.resolve(deb));
    Path cached = find(dir, bareName(name), deb);
    if (cached == null) {
      try (TemporaryDirectory tmp = TemporaryDirectory.create(dir, ".download-")) {
        // _apt cannot write into root-owned private temp dirs; let it, so apt does not warn about sandboxing.
        tmp.path().toFile().setWritable(true, false);
        ExternalTools.Result r = run(tmp.path(), "apt-get", "download", "-q", aptName(name, deb));
        Path got = find(tmp.path(), bareName(name), deb);
        if (r.exitCode() != 0 || got == null) {
          throw new IOException("apt-get download " + aptName(name, deb) + " failed: " + r.output().strip());
        }
        cached = dir.resolve(got.getFileName());
        try {
          Files.move(got, cached, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(got, cached, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return DebPackage.open(cached);
  }

  /**
   * Downloads those of {@code names} not cached yet for {@code arch} with one {@code apt-get download}: for small
   * packages apt's start-up per call, not the network, is what takes the time.
   *
   * @throws IOException with apt's output when it cannot download them
   */
  public void prefetch(List<String> names, Arch arch) throws IOException {
    String deb = debianArch(arch);
    Path dir = Files.createDirectories(cacheDir.resolve(deb));
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (find(dir, bareName(name), deb) == null) {
        missing.add(name);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    try (TemporaryDirectory tmp = TemporaryDirectory.create(dir, ".download-")) {
      tmp.path().toFile().setWritable(true, false);
      List<String> command = new ArrayList<>(List.of("apt-get", "download", "-q"));
      missing.forEach(name -> command.add(aptName(name, deb)));
      ExternalTools.Result r = ExternalTools.run(command, tmp.path(), Map.of(), COMMAND_TIMEOUT);
      if (r.exitCode() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + r.output().strip());
      }
      for (String name : missing) {
        Path got = find(tmp.path(), bareName(name), deb);
        if (got == null) {
          throw new IOException("apt-get download " + aptName(name, deb) + " left no file");
        }
        try {
          Files.move(got, dir.resolve(got.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(got, dir.resolve(got.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** {@code name:arch} for apt, unless the name carries its own qualifier ({@code :all}). */
  private static String aptName(String name, String deb) {
    return name.contains(":") ? name : name + ":" + deb;
  }

  private static String bareName(String name) {
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  private static Path find(Path dir, String name, String deb) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, name + "_*_{" + deb + ",all}.deb")) {
      s.forEach(found::add);
    }
    // Any cached version is valid test input; pick one deterministically.
    return found.stream().sorted().reduce((a, b) -> b).orElse(null);
  }

  /** Runs a Debian tool in {@code dir}; downloads may take a while. */
  static ExternalTools.Result run(Path dir, String... command) throws IOException {
    return ExternalTools.run(List.of(command), dir, Map.of(), COMMAND_TIMEOUT);
  }
}
