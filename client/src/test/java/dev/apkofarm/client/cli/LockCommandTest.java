package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.lock.LockFile;
import dev.apkofarm.core.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apko's lock golden test: same command, same working directory, byte-identical output. */
class LockCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return ApkoClientCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), System.getenv(), null, args);
  }

  @Test
  void writesApkosLockFileByteForByte() throws Exception {
    Path cli = Fixtures.apkoCli();
    Path output = dir.resolve("x.json");
    int rc =
        run("-C", cli.toString(), "lock", "apko.yaml", "--include-paths", "testdata", "--arch", "amd64,arm64",
            "--output", output.toString(), "--cache-dir", dir.resolve("cache").toString());
    assertThat(rc).as(err.toString()).isZero();
    assertThat(new String(Files.readAllBytes(output)))
        .isEqualTo(new String(Files.readAllBytes(cli.resolve("testdata/apko.lock.json"))));
    assertThat(Files.readAllBytes(output)).isEqualTo(Files.readAllBytes(cli.resolve("testdata/apko.lock.json")));
  }

  @Test
  void worksOfflineFromTheCacheAndRoundTripsThroughTheReader() throws Exception {
    Path cli = Fixtures.apkoCli();
    Path cache = dir.resolve("cache");
    assertThat(run("-C", cli.toString(), "lock", "apko.yaml", "--include-paths", "testdata", "--output",
            dir.resolve("a.json").toString(), "--cache-dir", cache.toString()))
        .as(err.toString())
        .isZero();
    assertThat(run("-C", cli.toString(), "lock", "apko.yaml", "--include-paths", "testdata", "--output",
            dir.resolve("b.json").toString(), "--cache-dir", cache.toString(), "--offline"))
        .as(err.toString())
        .isZero();
    byte[] a = Files.readAllBytes(dir.resolve("a.json"));
    assertThat(Files.readAllBytes(dir.resolve("b.json"))).isEqualTo(a);
    LockFile lock = LockFile.read(dir.resolve("a.json"));
    assertThat(lock.toJson()).isEqualTo(a);
    assertThat(lock.architectures()).containsExactly("x86_64", "aarch64");
    assertThat(lock.packages("aarch64")).extracting(LockFile.Pkg::constraint)
        .containsExactly("pretend-baselayout=1.0.0-r0", "replayout=1.0.0-r0");
  }

  @Test
  void showPackagesPrintsTheResolvedSet() throws Exception {
    Path cli = Fixtures.apkoCli();
    int rc =
        run("-C", cli.toString(), "show-packages", "testdata/apko.yaml", "--arch", "arm64", "--format",
            "name=version-source", "--cache-dir", dir.resolve("cache").toString());
    assertThat(rc).as(err.toString()).isZero();
    assertThat(out.toString().lines())
        .containsExactly(
            "pretend-baselayout=1.0.0-r0 ./testdata/packages/aarch64/pretend-baselayout-1.0.0-r0.apk",
            "replayout=1.0.0-r0 ./testdata/packages/aarch64/replayout-1.0.0-r0.apk");
  }

  @Test
  void refusesARepositoryWithoutTheKeyNamingIt() throws Exception {
    Path cli = Fixtures.apkoCli();
    Path config = dir.resolve("nokey.yaml");
    Files.writeString(
        config,
        "contents:\n  repositories:\n    - " + cli.resolve("testdata/packages") + "\n  keyring:\n    - "
            + Fixtures.apko("apk/alpine-316/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub") + "\n  packages:\n"
            + "    - replayout\narchs: [x86_64]\n");
    int rc = run("-C", dir.toString(), "lock", "nokey.yaml", "--cache-dir", dir.resolve("cache").toString());
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("packages/x86_64/APKINDEX.tar.gz").contains("melange.rsa.pub");
    assertThat(dir.resolve("nokey.lock.json")).doesNotExist();
  }
}
