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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a daemon coordinator reads for a client: only what the client shipped. */
class CoreCoordinatorEngineTest {
  @TempDir Path tmp;

  private CoreCoordinatorEngine daemon() throws Exception {
    return new CoreCoordinatorEngine(new CoordinatorEngine.Context(new DiskBlobStore(tmp.resolve("blobs")), null,
        Optional.empty(), tmp.resolve("data"), RegistryOptions.defaults()));
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
}
