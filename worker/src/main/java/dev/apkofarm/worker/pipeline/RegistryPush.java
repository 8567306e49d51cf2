package dev.apkofarm.worker.pipeline;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.registry.BlobContent;
import dev.apkofarm.core.registry.ImageRef;
import dev.apkofarm.core.registry.ImageSet;
import dev.apkofarm.core.registry.ManifestContent;
import dev.apkofarm.core.registry.PublishOptions;
import dev.apkofarm.core.registry.PublishResult;
import dev.apkofarm.core.registry.Publisher;
import dev.apkofarm.core.registry.PushStats;
import dev.apkofarm.core.registry.RegistryClient;
import dev.apkofarm.core.registry.RegistryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's share of {@code submit --push}: the config and layers of a built arch (HEAD first; mounted from another
 * repository of the same registry when this worker pushed the blob there before; uploaded otherwise), then its
 * manifest by digest, with core's {@link Publisher} and no tag. The coordinator pushes the index and the tag once
 * every arch is in. One {@link RegistryClient} per registry lives as long as the worker, so a layer shared by two
 * images is mounted, not uploaded again; credentials are the worker's own (its user's docker config).
 */
public final class RegistryPush {
  private final RegistryOptions options;
  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

  public RegistryPush(RegistryOptions options) {
    this.options = options;
  }

  /**
   * Pushes {@code built} to {@code repository} ({@code registry/repository}) by digest.
   *
   * @return the registry work, e.g. for the log
   * @throws IOException naming the registry and the step; refused credentials too (another worker may have
   *     others, so the task is retried elsewhere like any failure)
   */
  public PushStats push(BuiltTask built, String repository) throws IOException {
    ImageRef target = ImageRef.parse(repository);
    if (target.tag().isPresent() || target.digest().isPresent()) {
      throw new IllegalArgumentException("push repository " + repository + " must have no tag or digest");
    }
    Path manifestFile = built.files().get(built.manifest().digest().toString());
    ManifestContent manifest = ManifestContent.of(built.manifest().mediaType(), Files.readAllBytes(manifestFile));
    ImageSet image = ImageSet.of(manifest, List.of(), d -> local(built, d));
    PublishResult r = new Publisher(client(target.registry()), PublishOptions.defaults())
        .publish(image, target, List.of(), List.of(), Optional.empty());
    return r.stats();
  }

  private static Optional<BlobContent> local(BuiltTask built, Descriptor d) {
    Path file = built.files().get(d.digest().toString());
    return file == null ? Optional.empty() : Optional.of(BlobContent.ofFile(file, d.digest(), d.size()));
  }

  private RegistryClient client(String registry) throws IOException {
    RegistryClient c = clients.get(registry);
    if (c == null) {
      try {
        c = RegistryClient.create(registry, options);
      } catch (BadInputException e) {
        throw new IOException(e.getMessage(), e); // an unreadable --ca-cert of this worker
      }
      RegistryClient raced = clients.putIfAbsent(registry, c);
      if (raced != null) {
        c = raced;
      }
    }
    return c;
  }
}
