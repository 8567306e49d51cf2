package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.client.Main;
import dev.apkofarm.core.apk.repo.HostileRepository;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.testing.ExternalTools;
import dev.apkofarm.core.testing.TarTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, problem 6: memory grows with the number of files by a few hundred bytes each, so a small signed package
 * of 200,000 empty files builds in a JVM whose heap is capped at 256 MiB (it took 1.94 GB RSS before). The build runs
 * in a child JVM with {@code -Xmx256m}; running out of heap would exit non-zero.
 */
class LargePackageMemoryTest {
  private static final int FILES = 200_000;

  @Test
  void twoHundredThousandFilesBuildWithA256MibHeap(@TempDir Path dir) throws Exception {
    HostileRepository repo = new HostileRepository(dir.resolve("repo"));
    HostileRepository.Package many = repo.pkg("many", "1.0-r0");
    for (int d = 0; d < 200; d++) {
      many.dir("usr/share/many/d" + d);
    }
    for (int i = 0; i < FILES; i++) {
      many.file("usr/share/many/d" + (i % 200) + "/file-" + i, "");
    }
    repo.pkg("tree", "1.0-r0").dir("usr").dir("usr/share").dir("usr/share/many").write();
    many.write();
    repo.writeIndex();
    Files.writeString(
        dir.resolve("c.yaml"),
        "contents:\n  repositories: [./repo]\n  keyring: [./repo/" + HostileRepository.KEY_NAME
            + "]\n  packages: [tree, many]\narchs: [x86_64]\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    ExternalTools.Result build = ExternalTools.run(
        List.of(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "-C", dir.toString(), "build-minirootfs", "c.yaml", "rootfs.tar.gz",
            "--arch", "amd64", "--cache-dir", dir.resolve("cache").toString()),
        dir, Map.of(), Duration.ofMinutes(5));

    assertThat(build.exitCode()).as(build.output()).isZero();
    long[] files = {0};
    TarTrees.read(dir.resolve("rootfs.tar.gz")).walk((path, node) -> {
      if (node instanceof RegularFile && path.contains("/file-")) {
        files[0]++;
      }
    });
    assertThat(files[0]).isEqualTo(FILES);
  }
}
