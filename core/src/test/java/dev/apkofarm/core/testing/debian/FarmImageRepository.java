package dev.apkofarm.core.testing.debian;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.ConfigWriter;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.config.ImageContents;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.io.TemporaryDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What {@code scripts/farm-image} builds the farm's own image from when Wolfi cannot be reached: the signed
 * {@link FarmImageDistribution} repository and {@code deploy/apko-farm.yaml} rewritten to use it.
 *
 * <p>Run as {@code FarmImageRepository WORK_DIR CONFIG VERSION ARCH...} on the fat jar's classpath plus core's
 * test-jar (the fat jar carries core and its libraries; this code is test support and stays out of the product).
 * It writes, under {@code WORK_DIR}:
 *
 * <ul>
 *   <li>{@code keys/}{@value #KEY_FILE}: the signing key (PKCS#8 PEM), made once and kept so that packages built
 *       earlier still verify; {@code apko-client pack} and {@code index} sign the farm's own package with it;
 *   <li>{@code repository/}{@value #KEY_FILE}{@code .pub} and {@code repository/<arch>/*.apk}: the stand-in packages,
 *       made again only when their Debian inputs or recipes change ({@code .inputs} records them), so a warm run
 *       stages nothing;
 *   <li>{@code apko-farm.yaml}: CONFIG with its repositories and keyring replaced by that repository and key, as
 *       {@code build_repositories} so that no path of this machine is written into the image.
 * </ul>
 *
 * <p>Exit codes as the CLI's: 2 when the fat jar is not VERSION (a stale build) or the config is invalid, 1 for
 * other failures (apt cannot download, ...).
 */
public final class FarmImageRepository {
  /** The signing key's file name; its public half, {@code <name>.pub}, is the name signatures carry. */
  public static final String KEY_FILE = "apko-farm-offline.rsa";
  /** The stand-in packages' build date and entry times: 2024-01-01T00:00:00Z, so their bytes do not follow the run. */
  static final long BUILD_DATE = TestRepository.BUILD_DATE;
  private static final String INPUTS_FILE = ".inputs";

  private final Path workDir;

  public FarmImageRepository(Path workDir) {
    this.workDir = workDir.toAbsolutePath().normalize();
  }

  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println("usage: FarmImageRepository WORK_DIR CONFIG VERSION ARCH...");
      System.exit(2);
    }
    try {
      if (!EngineVersion.get().equals(args[2])) {
        throw new BadInputException(
            "the fat jar is apko-farm " + EngineVersion.get() + " but the project is " + args[2]
                + ": build it again (mvn -q -DskipTests package)");
      }
      List<Arch> archs = new ArrayList<>();
      for (String a : List.of(args).subList(3, args.length)) {
        archs.add(Arch.parse(a).orElseThrow(() -> new BadInputException("unknown architecture \"" + a + "\"")));
      }
      FarmImageRepository repository = new FarmImageRepository(Path.of(args[0]));
      repository.write(archs);
      Path config = repository.writeOfflineConfig(Path.of(args[1]));
      System.out.println("offline repository " + repository.repositoryDir() + ", config " + config);
    } catch (BadInputException e) {
      System.err.println("farm-image: " + e.getMessage());
      System.exit(2);
    } catch (IOException | RuntimeException e) {
      System.err.println("farm-image: " + e);
      System.exit(1);
    }
  }

  /** The repository root: a config's {@code contents.repositories} entry. */
  public Path repositoryDir() {
    return workDir.resolve("repository");
  }

  /** The private signing key. */
  public Path signingKeyFile() {
    return workDir.resolve("keys").resolve(KEY_FILE);
  }

  /** The public key beside the repository: a config's {@code contents.keyring} entry. */
  public Path publicKeyFile() {
    return repositoryDir().resolve(KEY_FILE + ".pub");
  }

  /**
   * Makes (or keeps, when up to date) the stand-in packages of {@code archs}, signed with the work directory's key.
   * Indexes are left to the caller, who adds its own packages first ({@code apko-client index}).
   */
  public void write(List<Arch> archs) throws IOException, BadInputException {
    SigningKey key = signingKey();
    Files.createDirectories(repositoryDir());
    AtomicFile.write(publicKeyFile(), key.publicKey().pem().getBytes(StandardCharsets.US_ASCII));
    DebianArchive debian = DebianArchive.inUserCache();
    for (Arch arch : archs) {
      Path scratch = workDir.resolve("staging");
      FarmImageDistribution distribution = new FarmImageDistribution(debian, scratch);
      List<ApkRecipe> recipes = distribution.recipes(arch);
      Path archDir = repositoryDir().resolve(arch.apkName());
      String inputs = inputs(recipes, arch, debian, key);
      Path inputsFile = archDir.resolve(INPUTS_FILE);
      if (Files.isRegularFile(inputsFile) && Files.readString(inputsFile).equals(inputs)) {
        System.out.println(arch.apkName() + ": stand-in packages up to date");
        continue;
      }
      TemporaryDirectory.deleteTree(archDir);
      Files.createDirectories(archDir);
      DebianStaging staging = new DebianStaging(debian, scratch);
      for (ApkRecipe recipe : recipes) {
        StagedPackage staged = staging.stage(recipe, arch);
        if (recipe.name().equals("java-cacerts")) {
          Path store = staged.root().resolve("etc/ssl/certs/java/cacerts");
          Files.createDirectories(store.getParent());
          Files.write(store, FarmImageDistribution.trustStore(recipes, BUILD_DATE * 1000));
        }
        PackageWriter.write(
            spec(staged, recipe), PackageContent.fromDirectory(staged.root(), false), Optional.of(key),
            SignatureAlgorithm.RSA_SHA256, archDir.resolve(staged.fileName()));
        TemporaryDirectory.deleteTree(staged.root());
        System.out.println(arch.apkName() + ": " + staged.fileName());
      }
      AtomicFile.write(inputsFile, inputs.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Writes {@code WORK_DIR/apko-farm.yaml}: {@code config} built from this repository and key alone. They are build
   * repositories (used to build, not written into the image's {@code /etc/apk/repositories}, so no path of this
   * machine lands in the image); the config's own repositories become runtime repositories (written there, never
   * contacted). Everything else stays as written.
   */
  public Path writeOfflineConfig(Path config) throws IOException, BadInputException {
    ImageConfig original = new ConfigLoader(Path.of("")).load(config.toString()).config();
    ImageContents c = original.contents();
    // The image still names the config's own repositories in /etc/apk/repositories (apk needs one there), as the
    // image built from them would; they are not used to build.
    List<String> runtime = new ArrayList<>(c.runtimeRepositories());
    runtime.addAll(c.repositories());
    ImageConfig offline =
        original.toBuilder()
            .contents(
                new ImageContents(
                    List.of(repositoryDir().toString()), runtime, List.of(), List.of(publicKeyFile().toString()),
                    c.runtimeKeyring(), c.packages(), c.baseImage()))
            .build();
    Path out = workDir.resolve("apko-farm.yaml");
    String text =
        "# Written by scripts/farm-image from " + config + ": built from the offline stand-in repository beside\n"
            + "# this file only (its repositories are runtime ones here: never contacted). Edit " + config + ".\n"
            + ConfigWriter.yaml(offline);
    AtomicFile.write(out, text.getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private SigningKey signingKey() throws IOException, BadInputException {
    Path file = signingKeyFile();
    if (!Files.isRegularFile(file)) {
      Files.createDirectories(file.getParent());
      AtomicFile.write(file, newPrivateKeyPem());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return SigningKey.load(file);
  }

  private static byte[] newPrivateKeyPem() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      String body = Base64.getMimeEncoder(64, new byte[] {'\n'})
          .encodeToString(g.generateKeyPair().getPrivate().getEncoded());
      return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n")
          .getBytes(StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is available on every JVM", e);
    }
  }

  /** What the packages of one arch are made of: key, recipes and the Debian files they unpack. */
  private static String inputs(List<ApkRecipe> recipes, Arch arch, DebianArchive debian, SigningKey key)
      throws IOException {
    StringBuilder debs = new StringBuilder();
    for (ApkRecipe r : recipes) {
      for (String deb : r.debs()) {
        debs.append(debian.fetch(deb, arch).file().getFileName()).append('\n');
      }
    }
    return "key " + key.name() + " " + sha256(key.publicKey().pem()) + "\n"
        + "recipes " + sha256(recipes.toString()) + "\n"
        + debs;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code .PKGINFO} of a stand-in package: where it comes from, and its computed dependencies. */
  private static PackageSpec spec(StagedPackage p, ApkRecipe recipe) {
    String source = recipe.debs().isEmpty() ? "apko-farm" : String.join(",", recipe.debs());
    return PackageSpec.builder(p.name(), p.version(), p.arch().apkName())
        .description(p.description())
        .origin(p.origin())
        .license("Debian")
        .url(recipe.debs().isEmpty()
            ? "https://github.com/apko-farm/apko-farm/tree/main/deploy"
            : "https://packages.debian.org/bookworm/" + recipe.debs().get(0))
        .maintainer("apko-farm offline stand-in for Wolfi (from Debian: " + source + ")")
        .buildDate(BUILD_DATE)
        .depends(p.depends())
        .provides(p.provides())
        .build();
  }
}
