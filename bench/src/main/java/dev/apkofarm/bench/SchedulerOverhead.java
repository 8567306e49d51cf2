package dev.apkofarm.bench;

import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.cluster.hazelcast.MemberSettings;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.coordinator.hazelcast.HazelcastClusterState;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.coordinator.model.JobRecord;
import dev.apkofarm.coordinator.scheduler.EventSink;
import dev.apkofarm.coordinator.scheduler.IndexStep;
import dev.apkofarm.coordinator.scheduler.JobRequest;
import dev.apkofarm.coordinator.scheduler.LockStep;
import dev.apkofarm.coordinator.scheduler.ImageLock;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import dev.apkofarm.coordinator.scheduler.SchedulerConfig;
import dev.apkofarm.coordinator.scheduler.SchedulerMetrics;
import dev.apkofarm.coordinator.scheduler.TaskReport;
import dev.apkofarm.coordinator.scheduler.WorkerCommand;
import dev.apkofarm.coordinator.scheduler.WorkerHandle;
import dev.apkofarm.coordinator.scheduler.WorkerInfo;
import dev.apkofarm.coordinator.scheduler.WorkerLink;
import dev.apkofarm.coordinator.state.ClusterState;
import dev.apkofarm.coordinator.state.InMemoryClusterState;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's own cost per task, with no build in the way: the real scheduler over the real cluster state
 * (in memory, and a Hazelcast member) assigns tasks to workers that answer at once with a ready result. Wall time
 * divided by tasks is what the coordinator adds to every (image, arch). Prints figures; run via scripts/bench-farm.
 */
public final class SchedulerOverhead {
  private SchedulerOverhead() {}

  public static void main(String[] args) throws Exception {
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    System.setProperty("hazelcast.logging.type", "none");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    try (TemporaryDirectory dir = TemporaryDirectory.create("scheduler-overhead")) {
      DiskBlobStore blobs = new DiskBlobStore(dir.path().resolve("blobs"));
      BuildResult result = result(blobs);
      run("warm-up (in-memory)", new InMemoryClusterState(), blobs, result, images / 4);
      run("in-memory cluster state", new InMemoryClusterState(), blobs, result, images);
      HazelcastInstance member = Members.start(MemberSettings.loopback("bench-" + UUID.randomUUID(), List.of()));
      try {
        run("Hazelcast cluster state (1 member)", new HazelcastClusterState(member), blobs, result, images);
      } finally {
        member.shutdown();
      }
    }
  }

  private static BuildResult result(DiskBlobStore blobs) throws Exception {
    List<BlobRef> refs = new ArrayList<>();
    for (String s : List.of("manifest", "config", "layer")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      String d = Digest.of(b).toString();
      blobs.put(d, b.length, new ByteArrayInputStream(b));
      refs.add(BlobRef.of(MediaType.OCI_MANIFEST, d, b.length));
    }
    return new BuildResult("amd64", refs.get(0), refs.get(1),
        List.of(new BuildResult.LayerRef(refs.get(2), refs.get(2).digest(), refs.get(2).size())), null, 0, 0,
        List.of(), "w");
  }

  private static void run(String label, ClusterState state, DiskBlobStore blobs, BuildResult result, int images)
      throws Exception {
    ExecutorService loop = Executors.newSingleThreadExecutor();
    ExecutorService engine = Executors.newFixedThreadPool(2);
    LockStep lock = new LockStep() {
      @Override
      public void validate(ImageSource source) {}

      @Override
      public ImageLock lock(ImageSource source, List<Arch> archOverride, BuildSettings settings) {
        // A distinct key per image and arch: every task is built, none de-duplicated.
        return new ImageLock(Map.of(
            Arch.AMD64, new ImageLock.ArchTask(source.configYaml(), Digest.of(source.configYaml()) + "/amd64"),
            Arch.ARM64, new ImageLock.ArchTask(source.configYaml(), Digest.of(source.configYaml()) + "/arm64")), 10);
      }
    };
    IndexStep index = (image, perArch, locked, settings) -> result.manifest();
    Scheduler scheduler = new Scheduler(state, lock, index, blobs, Clock.systemUTC(), loop, engine,
        new SchedulerConfig(Duration.ofSeconds(60), Duration.ofSeconds(5), 3, 1_000_000), SchedulerMetrics.NONE);
    List<WorkerHandle> handles = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      WorkerHandle[] self = new WorkerHandle[1];
      WorkerLink link = new WorkerLink() {
        @Override
        public void send(WorkerCommand c) {
          if (c instanceof WorkerCommand.Assign a) {
            self[0].report(new TaskReport.Completed(a.task().id(), a.task().attempt(), result, Map.of(), 0, 0));
          }
        }

        @Override
        public void close() {}
      };
      self[0] = scheduler.connect(new WorkerInfo("w" + w, w % 2 == 0 ? Arch.AMD64 : Arch.ARM64, 4, "bench"),
          List.of(), link);
      handles.add(self[0]);
    }
    List<ImageSource> sources = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      sources.add(new ImageSource("img" + i, "img" + i + ".yaml",
          ("image " + i + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8), Map.of()));
    }
    long start = System.nanoTime();
    JobRecord job = scheduler.submit(new JobRequest(sources, List.of(), BuildSettings.defaults(), "bench")).get();
    CountDownLatch done = new CountDownLatch(1);
    scheduler.watch(job.id(), 1, new EventSink() {
      @Override
      public void onEvent(dev.apkofarm.coordinator.model.JobEvent event) {}

      @Override
      public void onEnd() {
        done.countDown();
      }
    }).get();
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("job did not finish");
    }
    long nanos = System.nanoTime() - start;
    int tasks = images * 2;
    System.out.printf(Locale.ROOT, "%-36s %6d tasks in %7.0f ms: %7.3f ms per task, %8.0f tasks/s%n", label, tasks,
        nanos / 1e6, nanos / 1e6 / tasks, tasks / (nanos / 1e9));
    loop.shutdown();
    engine.shutdown();
  }
}
