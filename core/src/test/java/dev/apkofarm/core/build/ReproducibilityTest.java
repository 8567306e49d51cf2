package dev.apkofarm.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.DirectoryBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproducibilityTest {
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private GoldenPackages packages;
  private LockedImage image;

  @BeforeEach
  void setUp() throws Exception {
    packages = new GoldenPackages();
    image = GoldenPipelineTest.goldenImage(packages.locked());
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private BuiltImage build(String name, BuildOptions options) throws Exception {
    DirectoryBlobStore store = new DirectoryBlobStore(dir.resolve(name));
    ArchBuilder builder = new ArchBuilder(pool, w -> {});
    List<BuiltArch> archs = new ArrayList<>();
    for (Arch a : image.archList()) {
      archs.add(builder.build(image, a, packages, options, store));
    }
    return IndexAssembler.assemble(image, archs, options, store);
  }

  @Test
  void buildingTwiceGivesIdenticalDigests() throws Exception {
    BuiltImage a = build("a", BuildOptions.defaults("golden:latest"));
    BuiltImage b = build("b", BuildOptions.defaults("golden:latest"));

    assertThat(a.index()).isEqualTo(b.index());
    assertThat(a.archs()).isEqualTo(b.archs());
    assertThat(a.sbom()).isEqualTo(b.sbom());
  }

  @Test
  void buildingOnTwoThreadsAtOnceGivesIdenticalDigests() throws Exception {
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      Callable<BuiltImage> one = () -> build("x", BuildOptions.defaults("golden:latest"));
      Callable<BuiltImage> other = () -> build("y", BuildOptions.defaults("golden:latest"));
      Future<BuiltImage> x = two.submit(one);
      Future<BuiltImage> y = two.submit(other);

      assertThat(x.get().index()).isEqualTo(y.get().index());
      assertThat(x.get().archs()).isEqualTo(y.get().archs());
    } finally {
      two.shutdownNow();
    }
  }

  @Test
  void sourceDateEpochChangesOnlyTheDates() throws Exception {
    BuiltImage epoch = build("e", BuildOptions.defaults("golden:latest"));
    BuildOptions dated =
        BuildOptions.defaults("golden:latest").withSourceDateEpoch(Optional.of(Instant.ofEpochSecond(1700000000)));
    BuiltImage later = build("l", dated);

    BuiltArch a = epoch.archs().get(0);
    BuiltArch b = later.archs().get(0);
    assertThat(b.layers().get(0).diffId()).isEqualTo(a.layers().get(0).diffId());
    assertThat(b.created()).isEqualTo(Instant.ofEpochSecond(1700000000));
    String before = Files.readString(dir.resolve("e/sha256").resolve(a.config().digest().hex()));
    String after = Files.readString(dir.resolve("l/sha256").resolve(b.config().digest().hex()));
    assertThat(after).isNotEqualTo(before);
    assertThat(after.replace("2023-11-14T22:13:20Z", "1970-01-01T00:00:00Z")).isEqualTo(before);
    assertThat(later.index()).isNotEqualTo(epoch.index());
  }

  @Test
  void writesAnOciLayoutIntoAnExistingDirectory() throws Exception {
    BuiltImage built = build("s", BuildOptions.defaults("golden:latest"));
    Path layout = Files.createDirectory(dir.resolve("layout"));

    ImageOutput.Kind kind =
        ImageOutput.write(layout, built, "golden:latest", Optional.of(Arch.AMD64), new DirectoryBlobStore(dir.resolve("s")));

    assertThat(kind).isEqualTo(ImageOutput.Kind.OCI_LAYOUT);
    assertThat(Files.readAllBytes(layout.resolve("index.json"))).isEqualTo(built.indexJson());
    assertThat(Files.readString(layout.resolve("oci-layout"))).isEqualTo("{\n    \"imageLayoutVersion\": \"1.0.0\"\n}");
    for (var d : built.imageBlobs()) {
      Path blob = layout.resolve("blobs/sha256").resolve(d.digest().hex());
      assertThat(dev.apkofarm.core.oci.Digest.of(Files.readAllBytes(blob))).isEqualTo(d.digest());
    }
    try (var files = Files.list(layout.resolve("blobs/sha256"))) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith(".")).count()).isZero();
    }
  }

  @Test
  void writesAByteDeterministicDockerTarballTaggingTheHostArchExactly() throws Exception {
    BuiltImage built = build("t", BuildOptions.defaults("golden:latest"));
    DirectoryBlobStore blobs = new DirectoryBlobStore(dir.resolve("t"));
    Path first = dir.resolve("one.tar");
    Path second = dir.resolve("two.tar");

    ImageOutput.write(first, built, "golden:latest", Optional.of(Arch.ARM64), blobs);
    ImageOutput.write(second, built, "golden:latest", Optional.of(Arch.ARM64), blobs);

    assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
    String tar = new String(Files.readAllBytes(first), StandardCharsets.ISO_8859_1);
    assertThat(tar).contains("\"RepoTags\":[\"golden:latest-amd64\"]").contains("\"RepoTags\":[\"golden:latest\"]");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
    }
  }

  @Test
  void tagsWithoutATagGetLatest() {
    assertThat(ImageOutput.repoTag("localhost:5000/app")).isEqualTo("localhost:5000/app:latest");
    assertThat(ImageOutput.archTag("app:1.2", Arch.ARMV7)).isEqualTo("app:1.2-arm_v7");
  }

  @Test
  void buildKeysNameTheArchsInputs() {
    BuildOptions options = BuildOptions.defaults("golden:latest");
    var amd64 = BuildKey.of(image, Arch.AMD64, options);

    assertThat(BuildKey.of(image, Arch.AMD64, BuildOptions.defaults("golden:latest"))).isEqualTo(amd64);
    assertThat(BuildKey.of(image, Arch.ARM64, options)).isNotEqualTo(amd64);
    assertThat(BuildKey.of(image, Arch.AMD64, options.withSbom(false))).isNotEqualTo(amd64);
    assertThat(
            BuildKey.of(
                image, Arch.AMD64, options.withSourceDateEpoch(Optional.of(Instant.ofEpochSecond(1)))))
        .isNotEqualTo(amd64);
  }

  @Test
  void imageKeysCoverEveryArchAndTheOptions() {
    BuildOptions options = BuildOptions.defaults("golden:latest");
    var key = BuildKey.ofImage(image, options);
    LockedImage amd64Only =
        new LockedImage(image.config(), image.keyring(), java.util.Map.of(Arch.AMD64, image.packages(Arch.AMD64)));

    assertThat(BuildKey.ofImage(image, BuildOptions.defaults("golden:latest"))).isEqualTo(key);
    assertThat(BuildKey.ofImage(amd64Only, options)).isNotEqualTo(key);
    assertThat(BuildKey.ofImage(image, options.withSbom(false))).isNotEqualTo(key);
    assertThat(BuildKey.ofImage(image, BuildOptions.defaults("golden:v2"))).isNotEqualTo(key);
    assertThat(BuildKey.ofImage(java.util.Map.of(Arch.ARM64, BuildKey.of(image, Arch.ARM64, options),
            Arch.AMD64, BuildKey.of(image, Arch.AMD64, options))))
        .as("from the per-arch keys, in any order").isEqualTo(key);
  }
}
