package dev.apkofarm.cluster.contract;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.build.BuildKey;
import dev.apkofarm.core.build.BuildOptions;
import dev.apkofarm.core.build.LockedImage;
import dev.apkofarm.core.build.LockedPackage;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.install.ApkDatabase.KeyFile;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.proto.v1.BuildParameters;
import dev.apkofarm.proto.v1.FileRef;
import dev.apkofarm.proto.v1.LockedArch;
import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One (image, arch) build as the farm hands it out: the typed form of the wire's {@link LockedArch}. It holds
 * everything that determines the build's bytes — the locked image (effective config, keyring, the arch's packages),
 * the build options and where the result goes — plus, for packages of local repositories, the digest under which the
 * coordinator stores their .apk files. Nothing in it is a path for a worker to interpret: a worker builds the same
 * bytes as any other, and {@link #buildKey()} names them.
 *
 * @param image the image name
 * @param locked the locked image (at least {@code arch})
 * @param arch the arch to build
 * @param options reference, date and SBOM switch of the build
 * @param pushRepository {@code registry/repository} the worker pushes to, or empty to upload to the coordinator
 * @param stored package checksum ({@code Q1...}) -> where the coordinator stores that package's .apk
 */
public record ArchTask(
    String image,
    LockedImage locked,
    Arch arch,
    BuildOptions options,
    Optional<String> pushRepository,
    Map<String, StoredPackage> stored) {
  /** The version of {@link LockedArch} this engine writes and reads. */
  public static final int VERSION = 1;

  public ArchTask {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(locked, "locked");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(pushRepository, "pushRepository");
    locked.packages(arch); // refuses an image not locked for the arch
    stored = Map.copyOf(stored);
  }

  /**
   * A package's .apk as stored by the coordinator (content-addressed).
   *
   * @param digest the file's sha256
   * @param size its length
   */
  public record StoredPackage(Digest digest, long size) {
    public StoredPackage {
      Objects.requireNonNull(digest, "digest");
      if (size < 0) {
        throw new IllegalArgumentException("negative size of " + digest);
      }
    }
  }

  /** Core's build key of this task: equal keys build equal bytes (see {@link BuildKey}). */
  public Digest buildKey() {
    return BuildKey.of(locked, arch, options, pushRepository);
  }

  /** The arch's packages, in install order. */
  public List<LockedPackage> packages() {
    return locked.packages(arch);
  }

  /** Where the coordinator stores {@code p}, when it comes from a local repository. */
  public Optional<StoredPackage> storedCopy(LockedPackage p) {
    return Optional.ofNullable(stored.get(p.checksum()));
  }

  /** The wire form. */
  public LockedArch toMessage() {
    LockedArch.Builder m = LockedArch.newBuilder().setVersion(VERSION).setImage(image).setArch(arch.ociName())
        .setConfig(ConfigMessages.toMessage(locked.config()));
    for (KeyFile k : locked.keyring()) {
      m.addKeyring(dev.apkofarm.proto.v1.KeyFile.newBuilder().setName(k.name())
          .setContent(ByteString.copyFrom(k.content())));
    }
    for (LockedPackage p : packages()) {
      var pb = dev.apkofarm.proto.v1.LockedPackage.newBuilder().setName(p.name()).setVersion(p.version())
          .setArch(p.arch()).setRepository(p.repository()).setUrl(p.url()).setChecksum(p.checksum())
          .setSize(p.size()).setCacheKey(p.cacheKey().value());
      storedCopy(p).ifPresent(s -> pb.setContent(FileRef.newBuilder().setDigest(s.digest().toString())
          .setSize(s.size())));
      m.addPackages(pb);
    }
    BuildParameters.Builder b = BuildParameters.newBuilder().setReference(options.reference()).setSbom(options.sbom())
        .setPushRepository(pushRepository.orElse(""));
    options.sourceDateEpoch().ifPresent(t -> b.setSourceDateEpoch(t.getEpochSecond()));
    return m.setBuild(b).build();
  }

  /**
   * The task a message describes.
   *
   * @throws BadInputException naming the field when the message is not one this engine can build (another version,
   *     a value the config model refuses): not the user's input, but nothing a retry of the same message fixes
   */
  public static ArchTask fromMessage(LockedArch m) throws BadInputException {
    if (m.getVersion() != VERSION) {
      throw new BadInputException("task format version " + m.getVersion() + " is not the one this engine builds ("
          + VERSION + ")");
    }
    try {
      Arch arch = Arch.parse(m.getArch())
          .orElseThrow(() -> new IllegalArgumentException("unknown arch " + m.getArch()));
      List<KeyFile> keys = new ArrayList<>();
      m.getKeyringList().forEach(k -> keys.add(new KeyFile(k.getName(), k.getContent().toByteArray())));
      List<LockedPackage> packages = new ArrayList<>();
      Map<String, StoredPackage> stored = new TreeMap<>();
      for (var p : m.getPackagesList()) {
        LockedPackage lp = new LockedPackage(p.getName(), p.getVersion(), p.getArch(), p.getRepository(), p.getUrl(),
            p.getChecksum(), p.getSize());
        if (!lp.cacheKey().value().equals(p.getCacheKey())) {
          throw new IllegalArgumentException(lp + ": cache key " + p.getCacheKey() + " does not match its checksum");
        }
        if (p.hasContent()) {
          stored.put(lp.checksum(), new StoredPackage(Digest.parse(p.getContent().getDigest()),
              p.getContent().getSize()));
        }
        packages.add(lp);
      }
      LockedImage locked = new LockedImage(ConfigMessages.fromMessage(m.getConfig()), keys, Map.of(arch, packages));
      BuildParameters b = m.getBuild();
      BuildOptions options = BuildOptions.defaults(b.getReference())
          .withSourceDateEpoch(b.hasSourceDateEpoch()
              ? Optional.of(Instant.ofEpochSecond(b.getSourceDateEpoch())) : Optional.empty())
          .withSbom(b.getSbom());
      return new ArchTask(m.getImage(), locked, arch, options,
          b.getPushRepository().isEmpty() ? Optional.empty() : Optional.of(b.getPushRepository()), stored);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("malformed task " + m.getImage() + "/" + m.getArch() + ": " + e.getMessage(), e);
    }
  }
}
