package dev.apkofarm.coordinator.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.ImageStatus;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.model.JobStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Jobs stored as a header plus one entry per image: a change writes only what changed, reads see the whole job. */
class JobStoreTest {
  private final List<HazelcastInstance> members = new ArrayList<>();
  private final String cluster = "job-store-" + UUID.randomUUID();

  @AfterEach
  void stop() {
    members.forEach(HazelcastInstance::shutdown);
  }

  private HazelcastInstance member() {
    List<String> join = members.isEmpty() ? List.of() : List.of(Members.address(members.get(0)));
    HazelcastInstance m = Members.start(MemberSettings.loopback(cluster, join));
    members.add(m);
    return m;
  }

  private static JobRecord job(int images) {
    List<ImageRecord> list = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      list.add(ImageRecord.submitted(new ImageSource("img" + i, "img" + i + ".yaml", ("n: " + i).getBytes(),
          Map.of())));
    }
    return new JobRecord("j1", JobStatus.QUEUED, list, List.of(), BuildSettings.defaults(), 1, 0, "", 0, null);
  }

  private static long imageWrites(HazelcastInstance m) {
    IMap<Object, Object> images = m.getMap(Members.STATE_PREFIX + "images");
    return images.getLocalMapStats().getSetOperationCount() + images.getLocalMapStats().getPutOperationCount();
  }

  @Test
  void aChangeOfOneImageWritesThatImageOnly() {
    HazelcastInstance m = member();
    JobStore store = new JobStore(m);
    JobRecord job = job(50);
    store.put(job);
    long afterFirst = imageWrites(m);

    JobRecord changed = job.withImage("img7", i -> i.locked(List.of("amd64"), 3)).withLastSeq(4);
    store.put(changed);
    store.put(changed.withStatus(JobStatus.RUNNING, 0, null));

    assertThat(imageWrites(m) - afterFirst).isEqualTo(1);
    assertThat(store.get("j1")).contains(changed.withStatus(JobStatus.RUNNING, 0, null));
  }

  @Test
  void anotherMemberReadsTheWholeJobAndRemovalLeavesNothing() {
    HazelcastInstance a = member();
    HazelcastInstance b = member();
    JobRecord job = job(3).withImage("img1", i -> i.failed(ImageStatus.CANCELLED, "user"));
    new JobStore(a).put(job);

    JobStore reader = new JobStore(b);
    assertThat(reader.get("j1")).contains(job);
    assertThat(reader.all()).containsExactly(job);

    reader.remove(job);
    assertThat(new JobStore(a).get("j1")).isEmpty();
    assertThat(a.getMap(Members.STATE_PREFIX + "images").size()).isZero();
  }
}
