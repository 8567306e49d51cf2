package dev.apkofarm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.coordinator.engine.CoreCoordinatorEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The coordinator's own flags: refused before anything starts, as a usage error that names the flag. */
class MainTest {
  private static int run(StringWriter err, String... args) {
    return new CommandLine(new Main(CoreCoordinatorEngine::new)).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void aBlobSweepIntervalThatIsNotPositiveIsAUsageError() {
    for (String interval : new String[] {"0s", "0ms"}) {
      StringWriter err = new StringWriter();
      assertThat(run(err, "--blob-sweep", interval)).isEqualTo(CommandLine.ExitCode.USAGE);
      assertThat(err.toString()).contains("--blob-sweep").contains("must be positive");
    }
  }
}
