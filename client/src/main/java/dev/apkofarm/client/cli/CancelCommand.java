package dev.apkofarm.client.cli;

import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.CancelRequest;
import dev.apkofarm.proto.v1.Job;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apko-client cancel JOB}: stops a job; its running tasks are cancelled on their workers. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a farm job.")
final class CancelCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "JOB") String job;

  @Mixin FarmOptions farm = new FarmOptions();

  @Option(names = "--reason", paramLabel = "TEXT", description = "Recorded with the job.") String reason;

  @Override
  public Integer call() throws Exception {
    Job j =
        farm.call(
            channel ->
                BuildServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .cancel(CancelRequest.newBuilder().setJobId(job).setReason(reason == null ? "" : reason).build()));
    StatusCommand.print(out(), j);
    return 0;
  }
}
