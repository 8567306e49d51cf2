package dev.apkofarm.bench;

import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.registry.CredentialSource;
import dev.apkofarm.core.registry.ImageRef;
import dev.apkofarm.core.registry.ImageSet;
import dev.apkofarm.core.registry.PublishOptions;
import dev.apkofarm.core.registry.PublishResult;
import dev.apkofarm.core.registry.Publisher;
import dev.apkofarm.core.registry.RegistryClient;
import dev.apkofarm.core.registry.RegistryOptions;
import dev.apkofarm.core.testing.LocalRegistry;
import dev.apkofarm.core.testing.SyntheticImage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pushing a two-platform image to a real registry (Debian's docker-registry on 127.0.0.1): a fresh push (every blob
 * uploaded, chunked) and a re-push of an unchanged image (HEAD hits only). Run: {@code java -jar
 * bench/target/benchmarks.jar RegistryPush}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class RegistryPushBenchmark {
  /** Total layer payload of the image (split over the two platforms). */
  @Param({"64"})
  public int mebibytes;

  private TemporaryDirectory dir;
  private LocalRegistry registry;
  private ImageSet image;
  private int repository;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = TemporaryDirectory.create("registry-bench");
    registry = LocalRegistry.start(dir.path().resolve("registry"));
    image = ImageSet.fromOciLayout(SyntheticImage.write(dir.path().resolve("layout"), (mebibytes << 20) / 2, "bench")
        .layout());
    publish("bench/unchanged");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    registry.close();
    dir.close();
  }

  private PublishResult publish(String repo) throws Exception {
    RegistryClient client =
        RegistryClient.create(registry.host(), RegistryOptions.builder().credentials(CredentialSource.none()).build());
    return new Publisher(client, PublishOptions.defaults())
        .publish(image, ImageRef.parse(registry.host() + "/" + repo), List.of("latest"), List.of(), Optional.empty());
  }

  /** Every blob uploaded into a new repository. */
  @Benchmark
  public PublishResult freshPush() throws Exception {
    return publish("bench/fresh-" + repository++);
  }

  /** The same image again: HEAD requests only, no upload, tag unchanged. */
  @Benchmark
  public PublishResult unchangedRepush() throws Exception {
    return publish("bench/unchanged");
  }
}
