package dev.apkofarm.client.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.apkofarm.proto.v1.Descriptor;
import dev.apkofarm.proto.v1.ImageDone;
import dev.apkofarm.proto.v1.ImageState;
import dev.apkofarm.proto.v1.ImageStatus;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.JobDone;
import dev.apkofarm.proto.v1.JobEvent;
import dev.apkofarm.proto.v1.JobState;
import dev.apkofarm.proto.v1.ListJobsResponse;
import dev.apkofarm.proto.v1.Platform;
import dev.apkofarm.proto.v1.StringEntry;
import dev.apkofarm.proto.v1.TaskState;
import dev.apkofarm.proto.v1.TaskStatus;
import org.junit.jupiter.api.Test;

/**
 * {@code status --json} and {@code --json} progress print what they printed while descriptors' annotations were a
 * {@code map<string, string>}: the expected texts below are the old code's output (JsonFormat of the generated map
 * field, protobuf-java 4.33.1) for the same messages.
 */
class ProtoJsonTest {
  private static final String JOB = """
      {
        "id": "j1",
        "state": "JOB_SUCCEEDED",
        "images": [{
          "name": "img",
          "state": "IMAGE_SUCCEEDED",
          "tasks": [{
            "arch": "arm64",
            "state": "TASK_SUCCEEDED",
            "manifest": {
              "mediaType": "application/vnd.oci.image.index.v1+json",
              "digest": "sha256:cc",
              "size": "42",
              "annotations": {
                "org.opencontainers.image.created": "2023-11-14T22:13:20Z",
                "x": "y"
              }
            }
          }],
          "index": {
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": "sha256:cc",
            "size": "42",
            "annotations": {
              "org.opencontainers.image.created": "2023-11-14T22:13:20Z",
              "x": "y"
            }
          },
          "blobs": [{
            "mediaType": "m",
            "digest": "sha256:dd",
            "size": "1",
            "platform": {
              "os": "linux",
              "architecture": "arm64"
            },
            "annotations": {
              "k": "v"
            }
          }]
        }],
        "label": "submit examples",
        "lastSeq": "9"
      }""";

  private static final String EVENT = """
      {"jobId":"j1","seq":"3","atMillis":"5","imageDone":{"image":"img","index":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:cc","size":"42","annotations":{"org.opencontainers.image.created":"2023-11-14T22:13:20Z","x":"y"}}}}""";

  private static final Descriptor INDEX = Descriptor.newBuilder()
      .setMediaType("application/vnd.oci.image.index.v1+json").setDigest("sha256:cc").setSize(42)
      .addAnnotations(entry("org.opencontainers.image.created", "2023-11-14T22:13:20Z")).addAnnotations(entry("x", "y"))
      .build();

  private static final Job JOB_MESSAGE = Job.newBuilder().setId("j1").setState(JobState.JOB_SUCCEEDED)
      .setLabel("submit examples").setLastSeq(9)
      .addImages(ImageStatus.newBuilder().setName("img").setState(ImageState.IMAGE_SUCCEEDED).setIndex(INDEX)
          .addBlobs(Descriptor.newBuilder().setMediaType("m").setDigest("sha256:dd").setSize(1)
              .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture("arm64")).addAnnotations(entry("k", "v")))
          .addTasks(TaskStatus.newBuilder().setArch("arm64").setState(TaskState.TASK_SUCCEEDED).setManifest(INDEX)))
      .build();

  @Test
  void aJobPrintsAsItDidWithMapFields() throws Exception {
    assertThat(ProtoJson.print(JOB_MESSAGE)).isEqualTo(JOB);
    // Without the view the annotations would be arrays of {"key", "value"}: this is what ProtoJson is for.
    assertThat(JsonFormat.printer().print(JOB_MESSAGE)).contains("\"key\": \"x\"").isNotEqualTo(JOB);
  }

  @Test
  void aListOfJobsPrintsAsBefore() throws Exception {
    String list = ProtoJson.print(ListJobsResponse.newBuilder().addJobs(JOB_MESSAGE).build());
    // The old output for this list: the job's text one level in.
    assertThat(list).isEqualTo("{\n  \"jobs\": [" + JOB.replace("\n", "\n  ") + "]\n}");
  }

  @Test
  void anEventPrintsOnOneLineAsBefore() throws Exception {
    JobEvent e = JobEvent.newBuilder().setJobId("j1").setSeq(3).setAtMillis(5)
        .setImageDone(ImageDone.newBuilder().setImage("img").setIndex(INDEX)).build();
    assertThat(ProtoJson.printCompact(e)).isEqualTo(EVENT);
  }

  @Test
  void messagesWithoutEntriesPrintAsJsonFormatPrintsThem() throws Exception {
    JobEvent e = JobEvent.newBuilder().setJobId("j2").setSeq(1).setJobDone(JobDone.getDefaultInstance()).build();
    assertThat(ProtoJson.printCompact(e)).isEqualTo(JsonFormat.printer().omittingInsignificantWhitespace().print(e));
  }

  private static StringEntry entry(String k, String v) {
    return StringEntry.newBuilder().setKey(k).setValue(v).build();
  }
}
