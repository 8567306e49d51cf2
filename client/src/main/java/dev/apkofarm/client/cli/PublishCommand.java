package dev.apkofarm.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.BuildKey;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.DockerArchive;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.registry.Attachment;
import dev.apkofarm.core.registry.BlobContent;
import dev.apkofarm.core.registry.ImageRef;
import dev.apkofarm.core.registry.ImageSet;
import dev.apkofarm.core.registry.LocalBlobs;
import dev.apkofarm.core.registry.ManifestContent;
import dev.apkofarm.core.registry.PublishKey;
import dev.apkofarm.core.registry.PublishResult;
import dev.apkofarm.core.registry.Publisher;
import dev.apkofarm.core.registry.PushStats;
import dev.apkofarm.core.registry.RegistryAuthException;
import dev.apkofarm.core.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apko-client publish}: build an image in this process and push it to a registry, tags last. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Build an image and push it to a registry: every arch's blobs and manifest by digest, then the index, then"
          + " the SBOMs as referrers, and only then each REF as a tag, so no tag ever shows a partial image.",
      "Prints REPOSITORY@sha256:<index digest> for the first REF's repository.",
      "Before building, asks the registry whether a REF's tag already points at the image these inputs (locked"
          + " packages, config, options, engine version) build; if so nothing is built or uploaded: the tags are"
          + " pointed at it and 'unchanged' is reported (--force builds and pushes anyway).",
      "Credentials come from the docker config ($DOCKER_CONFIG/config.json, else ~/.docker/config.json: auths,"
          + " credsStore, credHelpers) and are never printed."
    })
final class PublishCommand extends ClientCommand {

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "REF",
      description = "registry/repository[:tag] to tag (default tag: latest); more REFs add tags or repositories.")
  List<String> refs;

  @Mixin BuildSettings settings;

  @Mixin RegistrySettings registry;

  @Option(
      names = "--image-refs",
      paramLabel = "FILE",
      description = "Write the published references there, one a line: each arch's manifest, then the index, as"
          + " REPOSITORY@sha256:<digest> of the first REF's repository (apko's format).")
  Path imageRefs;

  @Option(
      names = "--local",
      description = "Load the image into the local Docker daemon ($DOCKER_HOST, else /var/run/docker.sock) instead of"
          + " pushing it, as apko does: this machine's arch tagged apko.local/cache:<manifest hex> and each REF, the"
          + " other archs REF-<arch>. Prints apko.local/cache:<manifest hex>.")
  boolean local;

  @Option(
      names = "--force",
      description = "Build and push even when the registry already has the image these inputs build.")
  boolean force;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path workDir = root.workDir();
    PublishTargets targets = PublishTargets.parse(refs);
    if (local) {
      return loadLocally(workDir);
    }
    var clients = new RegistrySettings.Clients(registry.registryOptions(workDir, e -> {}));
    // The build names the first REF in canonical form (registry/repository:tag): the image key covers it, and
    // `submit --push` computes the same key for the same target.
    try (BuildSettings.Prepared prepared = settings.prepare(workDir, targets.firstReference(), err())) {
      PublishKey key = BuildKey.publishKey(prepared.image(), prepared.options());
      // --sbom-path wants the SBOM files, which only a build writes.
      Optional<Digest> unchanged =
          force || settings.sbomPath != null ? Optional.empty() : findUnchanged(targets, clients, key);
      Digest digest;
      if (unchanged.isPresent()) {
        digest = unchanged.get();
        for (Map.Entry<ImageRef, List<String>> t : targets.repositories().entrySet()) {
          publisher(clients, t.getKey()).tagExisting(t.getKey(), digest, t.getValue());
          err().println("unchanged: " + t.getKey() + "@" + digest + " is what these inputs build; nothing built"
              + " or uploaded; tags " + String.join(", ", t.getValue()));
        }
      } else {
        digest = buildAndPush(workDir, targets, clients, key, prepared);
      }
      if (imageRefs != null) {
        writeImageRefs(root.resolve(imageRefs), clients, targets.first(), digest);
      }
      out().println(targets.first().withDigest(digest));
      return 0;
    } catch (RegistryAuthException e) {
      // Credentials are the user's to fix; the message names the registry and where they came from, never them.
      throw new BadInputException(e.getMessage(), e);
    }
  }

  /** {@code --local}: build, then {@code docker load} the image with apko's tags. */
  private int loadLocally(Path workDir) throws BadInputException, IOException {
    DockerEngine docker = DockerEngine.at(root.env("DOCKER_HOST"));
    List<String> tags = new ArrayList<>();
    for (String r : refs) {
      tags.add(ImageRef.parse(r).tag().isPresent() || r.contains("@") ? r : r + ":latest");
    }
    Path scratchParent = Path.of(System.getProperty("java.io.tmpdir"));
    try (BuildSettings.Prepared prepared = settings.prepare(workDir, tags.get(0), err());
        LocalBuild build = LocalBuild.run(prepared, scratchParent, err())) {
      BuiltImage built = build.image();
      build.summary().forEach(l -> err().println(l));
      if (settings.sbomPath != null && settings.sbom) {
        build.writeSboms(workDir.resolve(settings.sbomPath).normalize(), settings.sbomFormats, tags.get(0));
      }
      BuiltArch primary = built.archs().stream().filter(a -> Optional.of(a.arch()).equals(Arch.host())).findFirst()
          .orElse(built.archs().get(0));
      String localTag = "apko.local/cache:" + primary.manifest().digest().hex();
      List<DockerArchive.Image> images = new ArrayList<>();
      for (BuiltArch a : built.archs()) {
        List<String> names = new ArrayList<>();
        if (a == primary) {
          names.add(localTag);
          names.addAll(tags);
        } else {
          tags.forEach(t -> names.add(t + "-" + a.arch().ociName().replace('/', '_')));
        }
        List<Descriptor> layers = new ArrayList<>();
        a.layers().forEach(l -> layers.add(l.blob()));
        images.add(new DockerArchive.Image(names, a.manifest(), a.config(), layers));
      }
      Path tarball = build.blobs().root().resolve("docker-load.tar");
      DockerArchive.write(tarball, built.indexJson(), images, build.blobs());
      err().println(docker.load(tarball));
      out().println(localTag);
      return 0;
    }
  }

  private Publisher publisher(RegistrySettings.Clients clients, ImageRef repository) throws BadInputException {
    return new Publisher(clients.forRegistry(repository.registry()), registry.publishOptions());
  }

  /** The digest every target repository has for these inputs under one of its tags, if they all agree. */
  private Optional<Digest> findUnchanged(PublishTargets targets, RegistrySettings.Clients clients, PublishKey key)
      throws IOException, BadInputException {
    Digest found = null;
    for (Map.Entry<ImageRef, List<String>> t : targets.repositories().entrySet()) {
      Optional<Digest> hit = Optional.empty();
      Publisher publisher = publisher(clients, t.getKey());
      for (String tag : t.getValue()) {
        hit = publisher.findUnchanged(t.getKey(), tag, key);
        if (hit.isPresent()) {
          break;
        }
      }
      if (hit.isEmpty() || found != null && !found.equals(hit.get())) {
        return Optional.empty();
      }
      found = hit.get();
    }
    return Optional.ofNullable(found);
  }

  private Digest buildAndPush(
      Path workDir, PublishTargets targets, RegistrySettings.Clients clients, PublishKey key,
      BuildSettings.Prepared prepared)
      throws BadInputException, IOException {
    Path scratchParent = Path.of(System.getProperty("java.io.tmpdir"));
    try (LocalBuild build = LocalBuild.run(prepared, scratchParent, err())) {
      BuiltImage built = build.image();
      err().println("built " + built.index().digest());
      build.summary().forEach(l -> err().println(l));
      if (settings.sbomPath != null && settings.sbom) {
        build.writeSboms(workDir.resolve(settings.sbomPath).normalize(), settings.sbomFormats, targets.firstReference());
      }
      ImageSet image = imageSet(build);
      List<Attachment> sboms = sboms(build);
      Digest digest = null;
      for (Map.Entry<ImageRef, List<String>> t : targets.repositories().entrySet()) {
        PublishResult r = publisher(clients, t.getKey()).publish(image, t.getKey(), t.getValue(), sboms,
            Optional.of(key));
        digest = r.digest();
        err().println("pushed " + r.reference() + ": " + describe(r.stats()) + "; tags " + String.join(", ",
            t.getValue()));
      }
      return digest;
    }
  }

  private static ImageSet imageSet(LocalBuild build) throws IOException {
    BuiltImage built = build.image();
    List<ManifestContent> manifests = new ArrayList<>();
    for (BuiltArch a : built.archs()) {
      byte[] bytes = Files.readAllBytes(build.blobs().path(a.manifest().digest()));
      manifests.add(ManifestContent.of(a.manifest().mediaType(), bytes));
    }
    ManifestContent index = ManifestContent.of(built.index().mediaType(), built.indexJson());
    return ImageSet.of(index, manifests, LocalBlobs.directory(build.blobs().root()));
  }

  /** Each arch's SBOM attached to its manifest, the index SBOM to the index (none with --no-sbom). */
  private static List<Attachment> sboms(LocalBuild build) {
    BuiltImage built = build.image();
    List<Attachment> out = new ArrayList<>();
    for (BuiltArch a : built.archs()) {
      a.sbom().ifPresent(s -> out.add(attachment(build, a.manifest().digest(), s, a.sbomFileName())));
    }
    built.sbom().ifPresent(s -> out.add(attachment(build, built.index().digest(), s, "sbom-index.spdx.json")));
    return out;
  }

  private static Attachment attachment(LocalBuild build, Digest subject, Descriptor sbom, String title) {
    BlobContent content = BlobContent.ofFile(build.blobs().path(sbom.digest()), sbom.digest(), sbom.size());
    return new Attachment(subject, MediaType.SPDX_JSON, content, title);
  }

  private static String describe(PushStats s) {
    return s.blobsUploaded() + " blobs uploaded (" + s.bytesUploaded() + " bytes), " + s.blobHeadHits()
        + " already there, " + s.mounts() + " mounted";
  }

  /**
   * apko's {@code --image-refs} file: {@code repository@digest} of each manifest the pushed index lists, then of
   * the index. Read back from the registry, so it names what was pushed (also with --docker-media-types).
   */
  private static void writeImageRefs(Path file, RegistrySettings.Clients clients, ImageRef repository, Digest index)
      throws IOException, BadInputException {
    ManifestContent root =
        clients.forRegistry(repository.registry())
            .getManifest(repository.repository(), index.toString())
            .orElseThrow(() -> new RegistryException(repository.registry(), repository.repositoryOnly() + "@"
                + index + " vanished right after the push"));
    StringBuilder text = new StringBuilder();
    // A mapper made here, not a static one: picocli makes every command object at start, so a static field would set
    // Jackson up for `version` too.
    for (JsonNode m : new ObjectMapper().readTree(root.bytes()).path("manifests")) {
      text.append(repository.withDigest(Digest.parse(m.path("digest").asText()))).append('\n');
    }
    text.append(repository.withDigest(index)).append('\n');
    AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
  }
}
