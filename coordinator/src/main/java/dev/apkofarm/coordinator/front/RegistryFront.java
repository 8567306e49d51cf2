package dev.apkofarm.coordinator.front;

import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.engine.CoordinatorEngine;
import dev.apkofarm.coordinator.scheduler.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A read-only OCI distribution registry in front of the farm ({@code --serve-registry}): {@code docker pull
 * HOST:PORT/<config>:latest} locks the config of that name in the configs directory as it is now and answers with the
 * image of its build keys, from the farm's results or built on the farm for every arch while the pull waits;
 * {@code <config>/<package>/...} appends packages; {@code :sha256-<lock hex>} pins an image served before. Served
 * over HTTPS with the farm's certificate, or plaintext where the farm allows it (loopback, {@code --insecure}); pulls
 * need the farm's token unless anonymous pulls are allowed.
 */
public final class RegistryFront implements AutoCloseable {
  /** Requests answered at once; more wait their turn (a pull waiting for its build holds one). */
  private static final int THREADS = 64;
  /** Resolutions (config read, lock, result lookup, submit) running at once; the builds themselves run on workers. */
  private static final int RESOLVERS = 4;

  private final FrontServer server;
  private final boolean tls;
  private final ExecutorService requests;
  private final ExecutorService resolvers;
  private final ServedImages served;

  private RegistryFront(FrontServer server, boolean tls, ExecutorService requests, ExecutorService resolvers,
      ServedImages served) {
    this.served = served;
    this.server = server;
    this.tls = tls;
    this.requests = requests;
    this.resolvers = resolvers;
  }

  /**
   * Starts serving.
   *
   * @param dataDir the coordinator's data dir (the front records the images it served there)
   * @throws IllegalArgumentException for settings that cannot serve: no configs directory, plaintext off loopback,
   *     neither a token nor anonymous pulls
   */
  public static RegistryFront start(FrontSettings settings, Scheduler scheduler, CoordinatorEngine engine,
      BlobStore blobs, MeterRegistry registry, Path dataDir) throws IOException {
    if (!Files.isDirectory(settings.configs())) {
      throw new IllegalArgumentException("--configs " + settings.configs() + " is not a directory");
    }
    Transport.requirePlaintextAllowed("registry front", settings.host(), settings.security());
    Credentials credentials = new Credentials(settings.security().token(), settings.allowAnonymous());
    Optional<SslContext> ssl = settings.security().tls().isPresent()
        ? Optional.of(Transport.httpsServerContext(settings.security().tls().get())) : Optional.empty();
    ServedImages served = ServedImages.open(dataDir.resolve("registry-front").resolve("served"));
    FrontMetrics metrics = new FrontMetrics(registry);
    ExecutorService resolvers = Executors.newFixedThreadPool(RESOLVERS, named("registry-resolve"));
    ExecutorService requests = Executors.newFixedThreadPool(THREADS, named("registry-request"));
    try {
      Images images = new Images(new ConfigDirectory(settings.configs(), settings.workDir()),
          new Farm(scheduler, engine), served, metrics, settings.buildTimeout(), resolvers, Clock.systemUTC());
      resolvers.execute(images::forgetUnretained); // what a restart left behind, in the background
      FrontServer server = FrontServer.start(settings.host(), settings.port(), ssl,
          new FrontHandler(credentials, images, blobs, metrics, settings.maxPackages()), requests);
      return new RegistryFront(server, ssl.isPresent(), requests, resolvers, served);
    } catch (IOException | RuntimeException e) {
      requests.shutdownNow();
      resolvers.shutdownNow();
      throw e;
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.port();
  }

  /**
   * The blobs of the images it served that it may still serve by digest: those whose every arch's result is among
   * {@code retainedKeys} (an index assembled for a build-key hit is referenced by no job).
   */
  public java.util.Set<String> servedBlobs(java.util.Set<String> retainedKeys) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (ServedImage i : served.all()) {
      if (retainedKeys.containsAll(i.buildKeys().values())) {
        out.add(i.index().digest());
        i.manifests().forEach(r -> out.add(r.digest()));
        i.blobs().forEach(r -> out.add(r.digest()));
      }
    }
    return out;
  }

  /** Whether it speaks HTTPS. */
  public boolean tls() {
    return tls;
  }

  @Override
  public void close() {
    server.close();
    requests.shutdownNow();
    resolvers.shutdownNow();
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
