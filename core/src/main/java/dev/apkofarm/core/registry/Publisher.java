package dev.apkofarm.core.registry;

import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an {@link ImageSet} to one repository in an order that never shows a partial image: every blob (HEAD
 * first, mount or upload when missing; several at once), then each manifest by digest, then the index by digest,
 * then referrers (SBOMs, the publish key), and only then the tags. A failure anywhere before the tags leaves every
 * tag where it was; publishing again resumes from what the registry already has.
 */
public final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  /** How long a failed push waits for its other uploads to stop (they are interrupted). */
  private static final Duration UPLOAD_STOP = Duration.ofSeconds(30);

  /** The artifact type of the referrer that records a {@link PublishKey}. */
  public static final String PUBLISH_KEY_ARTIFACT_TYPE = "application/vnd.apkofarm.publish-key.v1+json";
  /** The annotation holding the publish key on that referrer. */
  public static final String PUBLISH_KEY_ANNOTATION = "dev.apkofarm.publish-key";

  private final RegistryClient client;
  private final PublishOptions options;

  public Publisher(RegistryClient client, PublishOptions options) {
    this.client = client;
    this.options = options;
  }

  /**
   * Pushes {@code image} to {@code repository} and points {@code tags} at its root.
   *
   * @param repository the target repository (its tag and digest, if any, are ignored)
   * @param tags tags to write last; may be empty (push by digest only)
   * @param attachments files to attach as referrers of the image's manifests
   * @param key recorded as a referrer of the root so {@link #findUnchanged} can recognise the same inputs later
   */
  public PublishResult publish(
      ImageSet image, ImageRef repository, List<String> tags, List<Attachment> attachments, Optional<PublishKey> key)
      throws IOException {
    checkRegistry(repository);
    PushStats before = client.stats();
    String repo = repository.repository();
    Map<Digest, Digest> renamed = Map.of();
    if (options.dockerMediaTypes()) {
      DockerMediaTypes.Converted c = DockerMediaTypes.convert(image);
      image = c.image();
      renamed = c.renamed();
    }
    pushBlobs(image, repo);
    for (ManifestContent m : image.manifests()) {
      client.pushManifest(repo, m);
    }
    ManifestContent root = image.root();
    client.pushManifest(repo, root);
    List<Digest> referrers = new ArrayList<>();
    if (!attachments.isEmpty() || key.isPresent()) {
      // every artifact manifest's config is the empty JSON blob
      client.pushBlob(repo, BlobContent.ofBytes(Referrers.EMPTY_JSON));
    }
    for (Attachment a : attachments) {
      Digest subject = renamed.getOrDefault(a.subject(), a.subject());
      referrers.add(attach(image, repo, subject, a));
    }
    if (key.isPresent()) {
      referrers.add(recordKey(repo, root, effectiveKey(key.get())));
    }
    for (String tag : tags) {
      client.tag(repo, tag, root);
    }
    PushStats work = client.stats().minus(before);
    LOG.info(
        "published {}@{}: {} blobs uploaded, {} mounted, {} already there; tags {}",
        repository.repositoryOnly(), root.digest(), work.blobsUploaded(), work.mounts(), work.blobHeadHits(), tags);
    return new PublishResult(repository.withDigest(root.digest()), root.digest(), tags, referrers, work);
  }

  /**
   * The digest of the image {@code tag} of {@code repository} points at, when it was published with {@code key}
   * (same inputs, same media-type mode); empty otherwise. Lets a caller report "unchanged" without building.
   */
  public Optional<Digest> findUnchanged(ImageRef repository, String tag, PublishKey key) throws IOException {
    checkRegistry(repository);
    String repo = repository.repository();
    Optional<Digest> current = client.manifestDigest(repo, tag);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    String wanted = effectiveKey(key).toString();
    for (Descriptor d : Referrers.list(client, repo, current.get())) {
      if (d.artifactType().filter(PUBLISH_KEY_ARTIFACT_TYPE::equals).isPresent()
          && wanted.equals(d.annotations().get(PUBLISH_KEY_ANNOTATION))) {
        return current;
      }
    }
    return Optional.empty();
  }

  /** Points {@code tags} at the manifest {@code digest} already in {@code repository} (after an unchanged check). */
  public PublishResult tagExisting(ImageRef repository, Digest digest, List<String> tags) throws IOException {
    checkRegistry(repository);
    PushStats before = client.stats();
    String repo = repository.repository();
    ManifestContent m =
        client
            .getManifest(repo, digest.toString())
            .orElseThrow(
                () -> new RegistryException(client.registry(), repository.repositoryOnly() + "@" + digest
                    + " does not exist"));
    for (String tag : tags) {
      client.tag(repo, tag, m);
    }
    return new PublishResult(repository.withDigest(digest), digest, tags, List.of(), client.stats().minus(before));
  }

  private void checkRegistry(ImageRef repository) {
    if (!repository.registry().equals(client.registry())) {
      throw new IllegalArgumentException(
          "publisher for " + client.registry() + " cannot push to " + repository.registry());
    }
  }

  /** The key as recorded: the caller's key with the media-type mode mixed in (they give different indexes). */
  private PublishKey effectiveKey(PublishKey key) {
    return PublishKey.of(key.toString(), options.dockerMediaTypes() ? "docker-schema2" : "oci");
  }

  private void pushBlobs(ImageSet image, String repo) throws IOException {
    List<Descriptor> blobs = image.blobDescriptors();
    if (blobs.isEmpty()) {
      return;
    }
    AtomicInteger n = new AtomicInteger();
    List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(client.options().parallelUploads(), blobs.size()),
            r -> {
              Thread t = new Thread(r, "registry-push-" + n.incrementAndGet());
              t.setDaemon(true);
              threads.add(t);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Descriptor d : blobs) {
        futures.add(
            pool.submit(
                () -> {
                  pushBlob(image, repo, d);
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          throw new IOException(cause);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while pushing blobs");
    } finally {
      pool.shutdownNow();
      awaitUploads(pool, threads);
    }
  }

  /**
   * Waits for the uploads still running when one failed (they were interrupted) to end, and for their threads to
   * exit, so that nothing of this push goes on, or reports to the listener, after {@code publish} has returned or
   * thrown (a pool counts as terminated a moment before its last thread is gone). Bounded: an upload that ignores its
   * interrupt for {@link #UPLOAD_STOP} is left to end by itself (its thread is a daemon).
   */
  private static void awaitUploads(ExecutorService pool, List<Thread> threads) {
    long deadline = System.nanoTime() + UPLOAD_STOP.toNanos();
    try {
      pool.awaitTermination(UPLOAD_STOP.toMillis(), TimeUnit.MILLISECONDS);
      for (Thread t : threads) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedJoin(t, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pushBlob(ImageSet image, String repo, Descriptor d) throws IOException {
    Optional<BlobContent> local = image.blobs().find(d);
    if (local.isPresent()) {
      client.pushBlob(repo, local.get());
      return;
    }
    if (client.blobExists(repo, d.digest())) {
      client.options().listener().accept(new PushEvent.BlobExists(repo, d.digest()));
      return;
    }
    for (String from : options.mountFrom()) {
      if (client.mountBlob(repo, d.digest(), from)) {
        return;
      }
    }
    throw new IOException(
        "blob " + d.digest() + " (" + d.mediaType() + ") is neither available locally nor in "
            + client.registry() + "/" + repo);
  }

  private Digest attach(ImageSet image, String repo, Digest subject, Attachment a) throws IOException {
    ManifestContent subjectManifest = findManifest(image, subject);
    client.pushBlob(repo, a.content());
    Descriptor layer =
        Descriptor.of(a.artifactType(), a.content().digest(), a.content().size()).withAnnotations(a.layerAnnotations());
    Map<String, String> annotations = new TreeMap<>();
    ManifestContent artifact =
        Referrers.artifact(a.artifactType(), subjectManifest.descriptor(), List.of(layer), annotations);
    Referrers.attach(client, repo, subject, artifact, a.artifactType(), annotations);
    return artifact.digest();
  }

  private Digest recordKey(String repo, ManifestContent root, PublishKey key) throws IOException {
    Map<String, String> annotations = Map.of(PUBLISH_KEY_ANNOTATION, key.toString());
    ManifestContent artifact =
        Referrers.artifact(PUBLISH_KEY_ARTIFACT_TYPE, root.descriptor(), List.of(), annotations);
    Referrers.attach(client, repo, root.digest(), artifact, PUBLISH_KEY_ARTIFACT_TYPE, annotations);
    return artifact.digest();
  }

  private static ManifestContent findManifest(ImageSet image, Digest digest) throws IOException {
    if (image.root().digest().equals(digest)) {
      return image.root();
    }
    return image.manifests().stream()
        .filter(m -> m.digest().equals(digest))
        .findFirst()
        .orElseThrow(() -> new IOException("attachment subject " + digest + " is not a manifest of the image"));
  }
}
