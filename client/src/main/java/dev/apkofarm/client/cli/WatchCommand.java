package dev.apkofarm.client.cli;

import dev.apkofarm.client.farm.JobFollower;
import dev.apkofarm.client.farm.ProgressView;
import dev.apkofarm.proto.v1.JobEvent;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apko-client watch JOB}: follows a job's events (replayed from the start, or from --from-seq). */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Follow the events of a farm job until it ends; exit 0 if it succeeded.")
final class WatchCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "JOB") String job;

  @Mixin FarmOptions farm = new FarmOptions();

  @Option(names = "--from-seq", paramLabel = "N", defaultValue = "1",
      description = "Start at event N (re-attaching after event N-1).")
  long fromSeq;

  @Option(names = "--json", description = "One JSON object per event.") boolean json;

  @Override
  public Integer call() throws Exception {
    ProgressView view = ProgressView.of(out(), json, false);
    JobEvent last =
        farm.call(channel -> new JobFollower(channel, Duration.ofMinutes(2)).follow(job, fromSeq, view::event));
    return last.hasJobDone() ? 0 : ApkoClientCommand.EXIT_FAILURE;
  }
}
