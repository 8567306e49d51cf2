package dev.apkofarm.client.cli;

import dev.apkofarm.client.farm.ProtoJson;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.GetJobRequest;
import dev.apkofarm.proto.v1.ImageStatus;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.ListJobsRequest;
import dev.apkofarm.proto.v1.ListJobsResponse;
import dev.apkofarm.proto.v1.TaskStatus;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apko-client status [JOB]}: one job's images and tasks, or the farm's jobs. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the state of a farm job (its images, archs, workers, digests), or list the farm's jobs.")
final class StatusCommand extends ClientCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "JOB") String job;

  @Mixin FarmOptions farm = new FarmOptions();

  @Option(names = "--json", description = "Print the job as JSON.") boolean json;

  @Option(names = "--all", description = "Without JOB: include finished jobs.") boolean all;

  @Override
  public Integer call() throws Exception {
    return farm.call(
        channel -> {
          var stub = BuildServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
          if (job == null) {
            ListJobsResponse list = stub.listJobs(ListJobsRequest.newBuilder().setIncludeFinished(all).build());
            if (json) {
              out().println(ProtoJson.print(list));
            } else {
              for (Job j : list.getJobsList()) {
                out().println(j.getId() + "  " + state(j.getState().name(), "JOB_") + "  " + j.getImagesCount()
                    + " image(s)  " + j.getLabel());
              }
            }
            return 0;
          }
          Job j = stub.getJob(GetJobRequest.newBuilder().setJobId(job).build());
          if (json) {
            out().println(ProtoJson.print(j));
          } else {
            print(out(), j);
          }
          return 0;
        });
  }

  static void print(PrintWriter out, Job j) {
    out.println("job " + j.getId() + ": " + state(j.getState().name(), "JOB_")
        + (j.getLabel().isEmpty() ? "" : "  (" + j.getLabel() + ")"));
    for (ImageStatus i : j.getImagesList()) {
      out.println("  " + i.getName() + ": " + state(i.getState().name(), "IMAGE_")
          + (i.hasIndex() ? " " + i.getIndex().getDigest() : "")
          + (i.getFailure().isEmpty() ? "" : ": " + i.getFailure()));
      for (TaskStatus t : i.getTasksList()) {
        out.println("    " + t.getArch() + ": " + state(t.getState().name(), "TASK_")
            + (t.getWorker().isEmpty() ? "" : " on " + t.getWorker())
            + (t.getAttempt() > 1 ? " (attempt " + t.getAttempt() + ")" : "")
            + (t.hasManifest() ? " " + t.getManifest().getDigest() : "")
            + (t.getFailure().isEmpty() ? "" : ": " + t.getFailure()));
      }
    }
  }

  static String state(String name, String prefix) {
    return name.substring(prefix.length()).toLowerCase(Locale.ROOT);
  }
}
