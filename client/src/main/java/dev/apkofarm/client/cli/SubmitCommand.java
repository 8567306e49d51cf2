package dev.apkofarm.client.cli;

import com.google.protobuf.ByteString;
import dev.apkofarm.client.embedded.EmbeddedFarm;
import dev.apkofarm.client.farm.ConfigFiles;
import dev.apkofarm.client.farm.FollowingUploads;
import dev.apkofarm.client.farm.JobFollower;
import dev.apkofarm.client.farm.LayerFollowers;
import dev.apkofarm.client.farm.LayoutWriter;
import dev.apkofarm.client.farm.LocalFiles;
import dev.apkofarm.client.farm.ProgressView;
import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.cli.RegistryAccessOptions;
import dev.apkofarm.cluster.contract.MapEntries;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.BaseImage;
import dev.apkofarm.core.config.ConfigException;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.registry.RegistryOptions;
import dev.apkofarm.proto.v1.BuildOptions;
import dev.apkofarm.proto.v1.BuildServiceGrpc;
import dev.apkofarm.proto.v1.GetJobRequest;
import dev.apkofarm.proto.v1.ImageSource;
import dev.apkofarm.proto.v1.ImageState;
import dev.apkofarm.proto.v1.ImageStatus;
import dev.apkofarm.proto.v1.Job;
import dev.apkofarm.proto.v1.JobState;
import dev.apkofarm.proto.v1.Output;
import dev.apkofarm.proto.v1.ReturnArtefacts;
import dev.apkofarm.proto.v1.SubmitRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apko-client submit}: builds configs on a farm, or on an embedded one in this process. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = "Submit configs (files, or directories of *.yaml/*.yml) to a farm, or without --coordinator to an"
        + " embedded farm in this process. Prints each image's index digest; exit 0 only if every image succeeded.")
final class SubmitCommand extends ClientCommand {
  @Parameters(arity = "1..*", paramLabel = "PATH") List<Path> paths;

  @Mixin FarmOptions farm = new FarmOptions();

  @Option(names = "--arch", paramLabel = "ARCH", split = ",",
      description = "Build these archs instead of each config's own (e.g. amd64,arm64).")
  List<String> archs = new ArrayList<>();

  @Option(names = "--output", paramLabel = "DIR", description = "Write each image as an OCI layout at DIR/<name>/.")
  Path output;

  @Option(names = "--push", paramLabel = "REGISTRY/PREFIX",
      description = "Push each image as REGISTRY/PREFIX/<name>:<tag>: workers push layers, configs and manifests,"
          + " the coordinator SBOM referrers, the index and the tag, last. An image the registry already has under"
          + " the tag for the same locked inputs is reported unchanged and not built. Credentials are the farm's"
          + " (the docker config of the daemons' user; the embedded farm's is yours), never sent by the client.")
  String push;

  @Option(names = "--tag", paramLabel = "TAG", description = "The tag --push writes (default: latest).")
  String tag;

  @Mixin RegistryAccessOptions registry = new RegistryAccessOptions();

  @Option(names = "--detach", description = "Print the job id and return once the farm accepted the job.")
  boolean detach;

  @Option(names = "--json", description = "Events and results as JSON lines.")
  boolean json;

  @Option(names = "--annotations", paramLabel = "KEY:VALUE",
      description = "Annotation for the index, manifests and config labels (repeatable).")
  List<String> annotations = new ArrayList<>();

  @Option(names = "--slots", paramLabel = "N",
      description = "Embedded farm only: tasks built at once (default: the number of CPUs).")
  Integer slots;

  @Override
  public Integer call() throws Exception {
    Path workDir = root.workDir();
    checkOutputOptions();
    List<ConfigFiles.Config> configs = ConfigFiles.collect(workDir, paths);
    refuseBaseImages(workDir, configs);
    SubmitRequest request = request(configs);
    if (farm.target() == null) {
      if (detach) {
        throw new BadInputException("--detach needs a farm (--coordinator): the embedded farm ends with this command");
      }
      RegistryOptions access;
      try {
        access = registry.registryOptions();
      } catch (IllegalArgumentException e) {
        throw new BadInputException(e.getMessage());
      }
      try (EmbeddedFarm embedded = EmbeddedFarm.start(slots != null ? slots : Runtime.getRuntime().availableProcessors(),
          workDir, access, root.farmEngines())) {
        return run(embedded.channel(), request, null, FollowingUploads.none());
      }
    }
    return farm.call(channel -> {
      Shipping shipping = shipLocalFiles(channel, workDir, configs, request);
      try (FollowingUploads uploads = shipping.uploads()) {
        return run(channel, shipping.request(), farm.target(), uploads);
      }
    });
  }

  /**
   * A farm cannot build on a base image (its workers get no base layers): such a config is refused here, before
   * anything is sent. A config that does not load is left to the farm, which reports it per image as before.
   */
  private static void refuseBaseImages(Path workDir, List<ConfigFiles.Config> configs) throws BadInputException {
    for (ConfigFiles.Config c : configs) {
      Optional<BaseImage> base;
      try {
        base = new ConfigLoader(workDir).load(c.path().toString()).config().contents().baseImage();
      } catch (ConfigException e) {
        continue;
      }
      if (base.isPresent()) {
        throw new BadInputException(c.display() + ": contents.baseimage: building on a base image is not supported"
            + " by submit (the farm); use apko-client build or publish (nothing was submitted)");
      }
    }
  }

  private void checkOutputOptions() throws BadInputException {
    if (push != null && output != null) {
      throw new BadInputException("--push and --output exclude each other: a pushed image's layers go from the"
          + " workers to the registry, not through the farm to this machine");
    }
    if (tag != null && push == null) {
      throw new BadInputException("--tag " + tag + " needs --push REGISTRY/PREFIX");
    }
    if (farm.target() != null && registry.given()) {
      throw new BadInputException("--ca-cert and --insecure-registry set how a farm reaches registries: give them to"
          + " apko-coordinator and apko-worker (a client's trust and credentials never travel to a farm)");
    }
  }

  private SubmitRequest request(List<ConfigFiles.Config> configs) throws Exception {
    SubmitRequest.Builder b = SubmitRequest.newBuilder().addAllArchs(archs)
        .setLabel("submit " + String.join(" ", paths.stream().map(Path::toString).toList()));
    for (ConfigFiles.Config c : configs) {
      b.addImages(ImageSource.newBuilder().setName(c.image()).setFileName(c.display())
          .setConfigYaml(ByteString.copyFrom(Files.readAllBytes(c.path()))));
    }
    BuildOptions.Builder o = BuildOptions.newBuilder()
        .addAllAnnotations(MapEntries.toStringEntries(BuildSettings.parseAnnotations(annotations)));
    SourceDateEpoch.read(root).ifPresent(o::setSourceDateEpoch);
    b.setOptions(o);
    b.setOutput(push != null ? Output.newBuilder().setPushPrefix(push).setTag(tag == null ? "" : tag).build()
        : Output.newBuilder().setReturnArtefacts(ReturnArtefacts.getDefaultInstance()).build());
    return b.build();
  }

  /** The request naming the shipped files, and the packages whose bytes follow it. */
  private record Shipping(SubmitRequest request, FollowingUploads uploads) {}

  /**
   * A farm on another machine cannot read this one's files: send it what the configs reference locally (includes,
   * keys, local repositories), content-addressed, and name them in the request so it lays the same tree out. Large
   * packages are digested while they are already being sent, and the request goes as soon as their digests are with
   * the coordinator; their bytes go on while the job runs (see {@link FollowingUploads}). With {@code --detach}
   * everything goes first (this process does not stay to send it).
   */
  private Shipping shipLocalFiles(Channel channel, Path workDir, List<ConfigFiles.Config> configs,
      SubmitRequest request) throws Exception {
    List<dev.apkofarm.core.config.Arch> override;
    try {
      override = dev.apkofarm.core.config.Arch.parseAll(archs);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--arch: " + e.getMessage());
    }
    BlobTransfer blobs = new BlobTransfer(channel);
    // Large packages are digested while they are sent (FollowingUploads); everything else is digested here.
    java.util.function.Predicate<LocalFiles.Shipped> later = f -> !detach && FollowingUploads.follows(f);
    List<java.util.Map<String, LocalFiles.Shipped>> perImage = new ArrayList<>();
    java.util.Map<String, LocalFiles.Shipped> all = new java.util.TreeMap<>();
    java.util.Map<Path, LocalFiles.Shipped> large = new java.util.LinkedHashMap<>();
    for (ConfigFiles.Config c : configs) {
      java.util.Map<String, LocalFiles.Shipped> files = LocalFiles.of(workDir, c.display(), override, later);
      perImage.add(files);
      for (LocalFiles.Shipped f : files.values()) {
        if (f.digest() == null) {
          large.putIfAbsent(f.file(), f);
        } else {
          all.putIfAbsent(f.digest(), f);
        }
      }
    }
    FollowingUploads uploads = FollowingUploads.start(blobs, new ArrayList<>(large.values()));
    try {
      for (String digest : blobs.missing(all.keySet())) {
        blobs.upload(digest, all.get(digest).file(), List.of());
      }
      java.util.Map<Path, String> digests = uploads.awaitAnnounced();
      SubmitRequest.Builder b = request.toBuilder();
      for (int i = 0; i < configs.size(); i++) {
        java.util.Map<String, dev.apkofarm.proto.v1.FileRef> files = new java.util.TreeMap<>();
        perImage.get(i).forEach((path, f) -> files.put(path, dev.apkofarm.proto.v1.FileRef.newBuilder()
            .setDigest(f.digest() != null ? f.digest() : digests.get(f.file())).setSize(f.size()).build()));
        b.setImages(i, b.getImages(i).toBuilder().addAllFiles(MapEntries.toFileEntries(files)));
      }
      return new Shipping(b.build(), uploads);
    } catch (StatusRuntimeException e) {
      uploads.close();
      throw Rpc.translate(e, farm.target());
    } catch (Exception e) {
      uploads.close();
      throw e;
    }
  }

  private int run(Channel channel, SubmitRequest request, String target, FollowingUploads uploads) throws Exception {
    Job job;
    try {
      job = BuildServiceGrpc.newBlockingStub(channel).withWaitForReady()
          .withDeadlineAfter(5, java.util.concurrent.TimeUnit.MINUTES).submit(request);
    } catch (StatusRuntimeException e) {
      throw Rpc.translate(e, target);
    }
    if (detach) {
      out().println(json ? "{\"jobId\":\"" + job.getId() + "\"}" : job.getId());
      return 0;
    }
    ProgressView view = ProgressView.of(out(), json, System.console() != null);
    // Against a farm, each layer is read while its worker still streams it (the embedded farm is this process: its
    // blobs are read once the job is done).
    LayerFollowers layers = output != null && target != null
        ? new LayerFollowers(new BlobTransfer(channel), root.resolve(output), job.getId()) : null;
    try {
      new JobFollower(channel, Duration.ofMinutes(2)).follow(job.getId(), 1, e -> {
        view.event(e);
        if (layers != null) {
          layers.on(e);
        }
      });
      if (layers != null) {
        layers.settle();
      }
    } catch (StatusRuntimeException e) {
      throw Rpc.translate(e, target);
    } finally {
      view.close();
      if (layers != null) {
        layers.close();
      }
    }
    Job done = BuildServiceGrpc.newBlockingStub(channel).getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
    if (done.getState() != JobState.JOB_SUCCEEDED) {
      uploads.close(); // what is still uploading serves nobody now; a failed upload may be why the job failed
      uploads.await().ifPresent(e -> err().println("apko-client: " + e.getMessage()));
    }
    // A download that breaks off waits this long for the farm to be reachable again, then goes on where it was.
    LayoutWriter layouts = output == null ? null : new LayoutWriter(new BlobTransfer(channel, Duration.ofMinutes(1)));
    for (ImageStatus image : done.getImagesList()) {
      if (image.getState() == ImageState.IMAGE_SUCCEEDED) {
        if (layouts != null) {
          layouts.write(root.resolve(output), image);
        }
        if (!json) {
          out().println(image.getName() + " " + image.getIndex().getDigest());
        }
      } else if (!json) {
        err().println(image.getName() + ": " + image.getState().name().substring("IMAGE_".length()).toLowerCase()
            + (image.getFailure().isEmpty() ? "" : ": " + image.getFailure()));
      }
    }
    out().flush();
    return done.getState() == JobState.JOB_SUCCEEDED ? 0 : ApkoClientCommand.EXIT_FAILURE;
  }
}
