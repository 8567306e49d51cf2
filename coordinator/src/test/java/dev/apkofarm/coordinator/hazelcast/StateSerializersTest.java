package dev.apkofarm.coordinator.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.SerializationConstants;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.JobEvent;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import dev.apkofarm.coordinator.model.Stage;
import dev.apkofarm.coordinator.model.TaskRecord;
import dev.apkofarm.core.config.Arch;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every value of the state maps is written in Compact form (not Java serialisation) and reads back equal. */
class StateSerializersTest {
  private static HazelcastInstance member;
  private static SerializationService serialization;

  @BeforeAll
  static void start() {
    member = Members.start(MemberSettings.loopback("serializers-" + UUID.randomUUID(), List.of()));
    serialization = ((SerializationServiceSupport) member).getSerializationService();
  }

  @AfterAll
  static void stop() {
    member.shutdown();
  }

  private static <T> T roundTrip(T value) {
    Data data = serialization.toData(value);
    assertThat(data.getType()).as(value.getClass().getSimpleName() + " serialiser type")
        .isIn(SerializationConstants.TYPE_COMPACT, SerializationConstants.TYPE_COMPACT_WITH_SCHEMA);
    return serialization.toObject(data);
  }

  private static final BlobRef MANIFEST = new BlobRef("application/vnd.oci.image.manifest.v1+json",
      "sha256:" + "a".repeat(64), 512, "linux/arm64/v8", null, new TreeMap<>(Map.of("k", "v", "a", "b")));
  private static final BlobRef LAYER = BlobRef.of("application/vnd.oci.image.layer.v1.tar+gzip",
      "sha256:" + "b".repeat(64), 1 << 20);
  private static final BuildResult RESULT = new BuildResult("arm64", MANIFEST, LAYER,
      List.of(new BuildResult.LayerRef(LAYER, "sha256:" + "e".repeat(64), 3 << 20),
          new BuildResult.LayerRef(LAYER, "sha256:" + "f".repeat(64), 7)),
      BlobRef.of("application/spdx+json", "sha256:" + "1".repeat(64), 99), 1_700_000_000L, 5,
      List.of("busybox=1.36.1-r0", "musl=1.2.4-r1"), "w1");
  private static final ImageSource SOURCE = new ImageSource("nginx", "configs/nginx.yaml", "archs: [amd64]\n".getBytes(),
      Map.of("repo/APKINDEX.tar.gz", "sha256:" + "c".repeat(64), "keys/k.pub", "sha256:" + "d".repeat(64)));

  @Test
  void jobHeadersImagesAndSettingsRoundTrip() {
    ImageRecord done = ImageRecord.submitted(SOURCE).locked(List.of("amd64", "arm64"), 12, "sha256:" + "9".repeat(64))
        .succeeded(MANIFEST, List.of(MANIFEST, LAYER));
    ImageRecord failed = ImageRecord.submitted(new ImageSource("b", "b.yml", new byte[0], Map.of(),
            List.of("curl", "jq")))
        .failed(dev.apkofarm.coordinator.model.ImageStatus.FAILED, "arm64: no such package");
    JobRecord job = new JobRecord("j1", JobStatus.FAILED, List.of(done, failed), List.of("arm64"),
        new BuildSettings(new TreeMap<>(Map.of("org.opencontainers.image.vendor", "me")), 1700000000L, "reg.io/x",
            "v1"),
        1, 2, "submit configs", 17, "1 of 2 image(s) failed");

    JobStore.JobHeader header = JobStore.JobHeader.of(job);

    assertThat(roundTrip(header)).isEqualTo(header);
    assertThat(roundTrip(done)).isEqualTo(done);
    assertThat(roundTrip(done).publishKey()).isEqualTo("sha256:" + "9".repeat(64));
    assertThat(roundTrip(job.settings()).pushTag()).isEqualTo("v1");
    assertThat(roundTrip(failed)).isEqualTo(failed);
    assertThat(roundTrip(BuildSettings.defaults())).isEqualTo(BuildSettings.defaults());
  }

  @Test
  void theRegistryFrontsOwnConfigsStayTheFrontsAcrossARoundTrip() {
    ImageSource front = new ImageSource("app", "configs/app.yaml", "archs: [amd64]\n".getBytes(), Map.of(),
        List.of("curl"), true);

    assertThat(roundTrip(ImageRecord.submitted(front)).source().frontConfig()).isTrue();
    assertThat(roundTrip(ImageRecord.submitted(SOURCE)).source().frontConfig()).isFalse();
    assertThat(roundTrip(ImageRecord.submitted(front))).isEqualTo(ImageRecord.submitted(front));
  }

  @Test
  void tasksWithResultsAndTheCompareAndSetRoundTrip() {
    TaskRecord task = TaskRecord.queued("j1", "nginx", Arch.ARM64, "sha256:" + "e".repeat(64), new byte[] {9, 8},
        4).claimed("w1", 1000).requeued("lease expired").claimed("w2", 2000).succeeded(RESULT);

    TaskRecord back = roundTrip(task);

    assertThat(back).isEqualTo(task);
    assertThat(back.toString()).isEqualTo(task.toString());
    assertThat(back.reasons()).containsExactly("lease expired");
    assertThat(back.buildResult()).contains(RESULT);
    assertThat(back.lockedArch()).containsExactly(9, 8);
    assertThat(roundTrip(new CompareVersionAndSet(task)).updated()).isEqualTo(task);
    assertThat(roundTrip(RESULT)).isEqualTo(RESULT);
  }

  @Test
  void everyKindOfEventRoundTrips() {
    List<JobEvent.Kind> kinds = List.of(
        new JobEvent.JobQueued(List.of("a", "b")),
        new JobEvent.ImageLocked("a", List.of("amd64", "arm64"), 7),
        new JobEvent.TaskClaimed("a", "amd64", "w1", 2),
        new JobEvent.TaskProgress("a", "amd64", Stage.FETCH, 3, 7, "busybox-1.36"),
        new JobEvent.TaskRequeued("a", "amd64", "lease expired", 3),
        new JobEvent.TaskDeduplicated("a", "arm64", "in-flight"),
        new JobEvent.TaskDone("a", "amd64", MANIFEST, "w1"),
        new JobEvent.TaskPushed("a", "arm64", "reg.io/x/a", MANIFEST),
        new JobEvent.ImagePushed("a", "reg.io/x/a:v1", MANIFEST, "2 blobs already there"),
        new JobEvent.ImageUnchanged("a", "reg.io/x/a:v1", MANIFEST),
        new JobEvent.ImageDone("a", MANIFEST),
        new JobEvent.ImageFailed("a", "bad"),
        new JobEvent.JobDone(),
        new JobEvent.JobFailed("cancelled: user"));

    for (int i = 0; i < kinds.size(); i++) {
      JobEvent e = new JobEvent("j1", i + 1, 1000 + i, kinds.get(i));
      assertThat(roundTrip(e)).isEqualTo(e);
    }
  }
}
