package dev.apkofarm.coordinator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.registry.RegistryOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a daemon coordinator reads for a client: only what the client shipped; and for its registry front's own
 * configs, only the directory the front was started in.
 */
class CoreCoordinatorEngineTest {
  @TempDir Path tmp;

  private CoreCoordinatorEngine daemon() throws Exception {
    return new CoreCoordinatorEngine(new CoordinatorEngine.Context(new DiskBlobStore(tmp.resolve("blobs")), null,
        Optional.empty(), tmp.resolve("data"), RegistryOptions.defaults()));
  }

  /** A daemon serving a registry front started in {@code frontDir}. */
  private CoreCoordinatorEngine daemonWithFront(Path frontDir) throws Exception {
    return new CoreCoordinatorEngine(new CoordinatorEngine.Context(new DiskBlobStore(tmp.resolve("blobs")), null,
        Optional.empty(), Optional.of(frontDir), tmp.resolve("data"), RegistryOptions.defaults()));
  }

  private static ImageSource frontConfig(String yaml) {
    return new ImageSource("app", "configs/app.yaml", yaml.getBytes(StandardCharsets.UTF_8), Map.of(), List.of(),
        true);
  }

  private static ImageSource config(String contents) {
    return new ImageSource("app", "app.yaml", ("contents:\n" + contents + "  packages: [busybox]\n")
        .getBytes(StandardCharsets.UTF_8), Map.of());
  }

  @Test
  void aLocalRepositoryOrKeyOutsideTheShippedFilesIsRefusedBeforeAnythingIsRead() throws Exception {
    CoreCoordinatorEngine engine = daemon();

    for (String contents : new String[] {
        "  repositories: [/etc]\n",
        "  build_repositories: [\"@local ../../outside\"]\n",
        "  repositories: [file:///var/lib]\n",
        "  keyring: [/etc/passwd]\n",
        "  keyring: [../secret.rsa.pub]\n"}) {
      assertThatThrownBy(() -> engine.validate(config(contents)))
          .as(contents)
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("app.yaml: ")
          .hasMessageContaining("is a local path outside the files the client shipped");
    }
  }

  @Test
  void remoteRepositoriesAndKeysAreFine() throws Exception {
    daemon().validate(config("  repositories: [https://packages.example.test/os]\n"
        + "  keyring: [https://packages.example.test/key.rsa.pub]\n"));

    try (var inputs = Files.list(tmp.resolve("data/inputs"))) {
      assertThat(inputs.filter(Files::isDirectory)).hasSize(1); // an empty input tree: nothing of the host's
    }
  }

  @Test
  void theFrontsOwnConfigsAreLockedInTheFrontsDirectoryAndNothingOutsideIt() throws Exception {
    Path front = Files.createDirectories(tmp.resolve("front"));
    Files.createDirectories(front.resolve("configs"));
    Files.writeString(front.resolve("base.yaml"), "contents:\n  packages: [busybox]\n");
    String yaml = "include: base.yaml\ncontents:\n  repositories: [examples/repository]\n"
        + "  keyring: [examples/repository/key.rsa.pub]\n";
    CoreCoordinatorEngine engine = daemonWithFront(front);

    engine.validate(frontConfig(yaml)); // the include is found in the front's directory

    assertThat(tmp.resolve("data/inputs")).as("no input tree: the front's directory is the tree").doesNotExist();
    assertThatThrownBy(() -> engine.validate(new ImageSource("app", "configs/app.yaml",
        yaml.getBytes(StandardCharsets.UTF_8), Map.of())))
        .as("the same config submitted by a client: its (empty) input tree has no base.yaml")
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("base.yaml");
    for (String contents : new String[] {
        "  repositories: [/etc]\n",
        "  repositories: [../outside]\n",
        "  keyring: [file:///etc/passwd]\n"}) {
      assertThatThrownBy(() -> engine.validate(frontConfig("contents:\n" + contents)))
          .as(contents)
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("configs/app.yaml: ")
          .hasMessageContaining("is a local path outside the directory the registry front was started in");
    }
  }

  @Test
  void aFrontConfigOnACoordinatorWithoutAFrontIsRefused() throws Exception {
    assertThatThrownBy(() -> daemon().validate(frontConfig("contents:\n  packages: [busybox]\n")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("a config of a registry front, but this coordinator serves none");
  }

  @Test
  void aLockedArchNamesTheStoredCopiesOfItsLocalPackagesForTheBlobCollector() throws Exception {
    String stored = "sha256:" + "ab".repeat(32);
    byte[] locked = dev.apkofarm.proto.v1.LockedArch.newBuilder()
        .addPackages(dev.apkofarm.proto.v1.LockedPackage.newBuilder().setName("big")
            .setContent(dev.apkofarm.proto.v1.FileRef.newBuilder().setDigest(stored).setSize(3)))
        .addPackages(dev.apkofarm.proto.v1.LockedPackage.newBuilder().setName("remote")
            .setUrl("https://packages.example.test/os/x86_64/remote-1.apk"))
        .build().toByteArray();

    assertThat(daemon().storedBlobs(locked)).containsExactly(stored);
    assertThat(daemon().storedBlobs(new byte[] {(byte) 0xff, 1, 2})).isEmpty();
  }
}
