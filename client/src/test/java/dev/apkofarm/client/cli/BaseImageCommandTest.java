package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.testing.ApkoGolden;
import dev.apkofarm.core.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apko's {@code image_on_top} config ({@code contents.baseimage}) through every command. */
class BaseImageCommandTest {
  private static final String CONFIG = "testdata/image_on_top.apko.yaml";
  private static final String LOCK = "testdata/image_on_top.apko.lock.json";

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("-C", Fixtures.apkoCli().toString()));
    all.addAll(List.of(args));
    int exit =
        ApkoClientCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true), ApkoGolden.environment())
            .execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  private static void assertRefused(Run r, String what) {
    assertThat(r.exit()).as(r.err()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("contents.baseimage", what);
    assertThat(r.err().strip().lines()).as("one line, no stack trace").hasSize(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void submitRefusesABaseImageBeforeSendingAnything() {
    Run r = run("submit", CONFIG, "--output", dir.resolve("out").toString());

    assertRefused(r, "not supported by submit");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void everyLocalCommandRefusesABaseImageUntilItCanBuildOne() throws Exception {
    Path layout = Files.createDirectory(dir.resolve("layout"));
    String cache = dir.resolve("cache").toString();

    assertRefused(run("build", "--lockfile", LOCK, CONFIG, "top:latest", layout.toString(), "--cache-dir", cache),
        "not supported here yet");
    assertRefused(run("build", CONFIG, "top:latest", layout.toString(), "--cache-dir", cache), "not supported");
    assertRefused(run("build-minirootfs", CONFIG, dir.resolve("r.tar.gz").toString(), "--arch", "amd64",
        "--cache-dir", cache), "not supported");
    assertRefused(run("lock", CONFIG, "--output", dir.resolve("l.json").toString(), "--cache-dir", cache),
        "not supported");
    assertRefused(run("show-packages", CONFIG, "--cache-dir", cache), "not supported");
    assertRefused(run("show-config", CONFIG), "not supported");
    assertRefused(run("publish", CONFIG, "127.0.0.1:1/top:latest", "--cache-dir", cache), "not supported");
    try (var left = Files.list(layout)) {
      assertThat(left).isEmpty();
    }
    assertThat(dir.resolve("r.tar.gz")).doesNotExist();
    assertThat(dir.resolve("l.json")).doesNotExist();
  }
}
