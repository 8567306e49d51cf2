package dev.apkofarm.core.testing.debian;

import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageVerificationException;
import dev.apkofarm.core.apk.repo.RepositoryWriter;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.io.TemporaryDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A signed apk repository of the {@link TestDistribution}, built by test code from Debian packages with the
 * project's own package and index writers: {@code <root>/<apk arch>/*.apk}, a signed {@code APKINDEX.tar.gz} per
 * arch, and the public half of a key generated for the run at {@code <root>/}{@value #KEY_NAME}.
 *
 * <p>Configs refer to it as {@code repositories: [./repository]} and {@code keyring:
 * [./repository/apkofarm-e2e.rsa.pub]} from the directory that holds it.
 */
public final class TestRepository {
  /** The signing key's name: the public key's file name in the repository root and in signatures. */
  public static final String KEY_NAME = "apkofarm-e2e.rsa.pub";
  /** Every package's build date (and entry mtime): 2024-01-01T00:00:00Z, so packages do not depend on the run. */
  public static final long BUILD_DATE = 1_704_067_200L;

  private final Path root;
  private final Path keyFile;
  private final Map<Arch, List<StagedPackage>> packages;

  private TestRepository(Path root, Path keyFile, Map<Arch, List<StagedPackage>> packages) {
    this.root = root;
    this.keyFile = keyFile;
    this.packages = packages;
  }

  /**
   * Builds the repository at {@code root} for {@code archs}, staging under {@code workDir} and downloading through
   * the user's Debian cache. Skips the calling test (fails in CI) when apt cannot provide the packages.
   */
  public static TestRepository build(Path root, Path workDir, List<Arch> archs) throws IOException {
    DebianArchive.assumeAvailable(archs.toArray(Arch[]::new));
    DebianArchive debian = DebianArchive.inUserCache();
    TemporaryDirectory.deleteTree(root);
    RepositoryWriter writer = new RepositoryWriter(root, SigningKey.generate(KEY_NAME, 2048));
    List<ApkRecipe> recipes = TestDistribution.recipes(TestDistribution.busyboxApplets(debian, workDir));
    DebianStaging staging = new DebianStaging(debian, workDir.resolve("staging"));
    Map<Arch, List<StagedPackage>> built = new TreeMap<>();
    for (Arch arch : archs) {
      List<StagedPackage> staged = staging.stageAll(recipes, arch);
      for (StagedPackage p : staged) {
        writer.add(spec(p), PackageContent.fromDirectory(p.root(), false));
      }
      built.put(arch, List.copyOf(staged));
    }
    try {
      writer.writeIndexes();
    } catch (PackageVerificationException e) {
      throw new IOException("the test repository's own packages do not verify: " + e.getMessage(), e);
    }
    return new TestRepository(root, writer.keyFile(), built);
  }

  /** The {@code .PKGINFO} metadata of a staged package. */
  static PackageSpec spec(StagedPackage p) {
    return PackageSpec.builder(p.name(), p.version(), p.arch().apkName())
        .description(p.description())
        .origin(p.origin())
        .license("Debian")
        .url("https://packages.debian.org/bookworm/" + p.name())
        .buildDate(BUILD_DATE)
        .depends(p.depends())
        .provides(p.provides())
        .build();
  }

  /** The repository root (a config's {@code contents.repositories} entry). */
  public Path root() {
    return root;
  }

  /** The public key that signs packages and indexes (a config's {@code contents.keyring} entry). */
  public Path keyFile() {
    return keyFile;
  }

  /** What was packed for {@code arch}, in recipe order. */
  public List<StagedPackage> packages(Arch arch) {
    return packages.getOrDefault(arch, List.of());
  }
}
