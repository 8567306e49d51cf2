package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.client.cli.ApkoClientCommand;
import dev.apkofarm.client.cli.CliRun;
import dev.apkofarm.coordinator.Coordinator;
import dev.apkofarm.worker.Worker;
import dev.apkofarm.worker.testing.FakeEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code submit --coordinator --detach}, {@code status}, {@code watch}, {@code cancel} against a farm on loopback. */
class FarmCommandsTest {
  @TempDir Path tmp;

  private LoopbackFarm farm;

  @BeforeEach
  void start() throws Exception {
    farm = LoopbackFarm.start(tmp, "commands", FakeEngines.Coordinator::new, FakeEngines.Worker::new);
  }

  @AfterEach
  void stop() {
    farm.close();
  }

  private CliRun cli(String... args) {
    return CliRun.of(ApkoClientCommand::newCommandLine, args);
  }

  private String target() {
    return farm.coordinatorAddress();
  }

  @Test
  void detachThenWatchAndStatusFollowTheJobToItsEnd() throws Exception {
    Files.writeString(tmp.resolve("one.yaml"), "# archs: amd64,arm64\ncontents:\n  packages: [one]\n");
    CliRun submit = cli("submit", "--coordinator", target(), "--detach", tmp.resolve("one.yaml").toString());
    assertThat(submit.exit()).as(submit.err()).isZero();
    String job = submit.out().trim();
    assertThat(job).startsWith("j-");

    CliRun watch = cli("watch", job, "--coordinator", target());
    CliRun status = cli("status", job, "--coordinator", target());
    CliRun list = cli("status", "--all", "--coordinator", target());

    assertThat(watch.exit()).as(watch.err()).isZero();
    assertThat(watch.out()).contains("job " + job + " queued: one", "one/amd64: done sha256:", "one: done sha256:",
        "job " + job + " done");
    assertThat(status.out()).contains("job " + job + ": succeeded", "one: succeeded sha256:", "amd64: succeeded on w1",
        "arm64: succeeded on w1");
    assertThat(list.out()).contains(job + "  succeeded  1 image(s)");
  }

  @Test
  void cancelOfARunningJobReportsItCancelled() {
    CliRun submit = cli("submit", "--coordinator", target(), "--detach", write("slow.yaml", "# archs: amd64\n# "
        + FakeEngines.HOLD_UNTIL + tmp.resolve("never-created") + "\ncontents:\n  packages: [slow]\n"));
    String job = submit.out().trim();

    CliRun cancel = cli("cancel", job, "--reason", "not needed", "--coordinator", target());
    CliRun watch = cli("watch", job, "--coordinator", target());

    assertThat(cancel.exit()).as(cancel.err()).isZero();
    assertThat(cancel.out()).contains("job " + job + ": cancelled");
    assertThat(watch.exit()).isEqualTo(1);
    assertThat(watch.out()).contains("failed: cancelled: not needed");
  }

  @Test
  void anUnknownJobIsBadInputNamingIt() {
    CliRun status = cli("status", "j-nope", "--coordinator", target());

    assertThat(status.exit()).isEqualTo(2);
    assertThat(status.err()).contains("no job j-nope");
  }

  private String write(String name, String content) {
    try {
      return Files.writeString(tmp.resolve(name), content).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
