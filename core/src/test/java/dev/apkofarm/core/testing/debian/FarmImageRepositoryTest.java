package dev.apkofarm.core.testing.debian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.ImageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline config scripts/farm-image builds from: the stand-in repository only, the rest as written. */
class FarmImageRepositoryTest {
  @TempDir Path dir;

  @Test
  void offlineConfigBuildsFromTheStandInAloneAndKeepsTheRestAsWritten() throws Exception {
    Path config = dir.resolve("image.yaml");
    Files.writeString(
        config,
        """
        contents:
          keyring: [https://packages.example.invalid/os/signing.rsa.pub]
          repositories: [https://packages.example.invalid/os]
          packages: [openjdk-17-default-jvm, apko-farm]
        accounts:
          users: [{username: apko, uid: 10001, homedir: /var/lib/apko-farm}]
          run-as: "10001"
        cmd: apko-coordinator --data-dir=/var/lib/apko-farm/coordinator
        volumes: [/var/lib/apko-farm/coordinator]
        archs: [amd64]
        """);
    Path work = dir.resolve("work");
    FarmImageRepository repository = new FarmImageRepository(work);

    Path offline = repository.writeOfflineConfig(config);

    ImageConfig original = new ConfigLoader(dir).load(config.toString()).config();
    ImageConfig derived = new ConfigLoader(dir).load(offline.toString()).config();
    assertThat(offline).isEqualTo(work.toAbsolutePath().resolve("apko-farm.yaml"));
    assertThat(derived.contents().buildRepositories()).containsExactly(repository.repositoryDir().toString());
    assertThat(derived.contents().repositories()).isEmpty();
    assertThat(derived.contents().runtimeRepositories()).containsExactly("https://packages.example.invalid/os");
    assertThat(derived.contents().keyring()).containsExactly(repository.publicKeyFile().toString());
    assertThat(derived.contents().packages()).isEqualTo(List.of("openjdk-17-default-jvm", "apko-farm"));
    assertThat(derived.toBuilder().contents(original.contents()).build()).isEqualTo(original);
  }
}
