package dev.apkofarm.e2e.support;

import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.testing.ExternalTools;
import dev.apkofarm.core.testing.debian.DebianArchive;
import dev.apkofarm.core.testing.debian.TestDistribution;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The farm's own runtime image ({@code deploy/apko-farm.yaml}), built by {@code scripts/farm-image} exactly as an
 * operator builds it, once per test JVM, for this machine's arch. It is loaded under a reference unique to the run
 * ({@code apkofarm-e2e/farm-<run>:<version>}, so suites running at once against one daemon keep their own) and
 * removed when the JVM ends, so every test class of the run (this module's and the Compose test's) shares one build.
 */
public final class FarmImage {
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
  private static Built built;

  private FarmImage() {}

  /** A loaded build: its reference and what the build took. */
  public record Built(String reference, Duration buildTime, String log) {}

  /** The image reference, building and loading it on first use (Docker and Debian's apt must be there). */
  public static String reference() throws IOException {
    return build().reference();
  }

  /** The build of this JVM, made on first use. */
  public static synchronized Built build() throws IOException {
    if (built == null) {
      Docker.require();
      DebianArchive.assumeAvailable(TestDistribution.hostArch());
      String reference = LoadedImages.repository("farm") + ":" + EngineVersion.get();
      Path root = ApkoCli.projectRoot();
      // Under the module's target/, not a fresh WorkDir: a rerun finds its stand-in packages and stages nothing.
      Path work = Path.of(System.getProperty("apkofarm.work", "target/e2e")).resolve("../farm-image").normalize();
      long start = System.nanoTime();
      ExternalTools.Result r =
          ExternalTools.run(
              List.of(root.resolve("scripts/farm-image").toString(), "--work-dir", work.toString(), reference),
              root, Map.of(), BUILD_TIMEOUT);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> remove(reference), "remove " + reference));
      r.ok();
      built = new Built(reference, took, r.stderr());
    }
    return built;
  }

  // At JVM exit Testcontainers' client may already be closed: the docker CLI does not depend on it.
  private static void remove(String reference) {
    try {
      ExternalTools.run(List.of("docker", "rmi", "-f", reference), Path.of("."), Map.of(), Duration.ofMinutes(1));
    } catch (IOException | RuntimeException e) {
      System.err.println("could not remove " + reference + ": " + e.getMessage());
    }
  }
}
