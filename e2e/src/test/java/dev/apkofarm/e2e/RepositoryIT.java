package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.e2e.support.ApkoCli;
import dev.apkofarm.e2e.support.E2eRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The test repository, packed and indexed by the project's writers from Debian packages, is read back by the
 * project's engine: signatures verify, and the service bundle's {@code s6} pulls its glibc stack in through
 * {@code so:} dependencies alone.
 */
class RepositoryIT {
  @ParameterizedTest
  @EnumSource(value = Arch.class, names = {"AMD64", "ARM64"})
  void serviceBundleResolvesTheGlibcStackThroughSoDependencies(Arch arch) throws IOException {
    Path dir = E2eRepository.dir();
    assertThat(dir.resolve("repository").resolve(arch.apkName()).resolve("APKINDEX.tar.gz")).isRegularFile();
    assertThat(Files.readString(E2eRepository.repository().keyFile())).startsWith("-----BEGIN PUBLIC KEY-----");

    String out =
        ApkoCli.in(dir).client("show-packages", "service-bundle.yaml", "--arch", arch.ociName()).ok().stdout();
    assertThat(out.lines().map(l -> l.split(" ")[0]))
        .containsExactlyInAnyOrder("baselayout", "busybox", "glibc", "skalibs", "execline", "s6");
  }
}
