package dev.apkofarm.e2e.support;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.testing.debian.TestRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The E2E tests' shared build directory, made once per test JVM: the signed {@link TestRepository} for amd64 and
 * arm64 at {@code repository/} and the E2E configs ({@code src/test/resources/configs/*.yaml}) beside it, so
 * {@code apko-client} runs there resolve {@code ./repository} as the configs expect.
 */
public final class E2eRepository {
  /** The configs the E2E tests build. */
  public static final List<String> CONFIGS = List.of("runtime.yaml", "service-bundle.yaml");

  private static TestRepository repository;
  private static Path dir;

  private E2eRepository() {}

  /** The directory holding {@code repository/} and the configs (built on first use). */
  public static synchronized Path dir() throws IOException {
    if (dir == null) {
      Path d = WorkDir.fresh("shared");
      repository = TestRepository.build(d.resolve("repository"), WorkDir.fresh("repository-work"),
          List.of(Arch.AMD64, Arch.ARM64));
      for (String config : CONFIGS) {
        try (InputStream in = E2eRepository.class.getResourceAsStream("/configs/" + config)) {
          if (in == null) {
            throw new IllegalStateException("test resource configs/" + config + " missing");
          }
          Files.copy(in, d.resolve(config), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      dir = d;
    }
    return dir;
  }

  /** The repository in {@link #dir()}. */
  public static synchronized TestRepository repository() throws IOException {
    dir();
    return repository;
  }
}
