package dev.apkofarm.core.build;

import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.base.BaseArch;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.image.ApkoJson;
import dev.apkofarm.core.install.ApkDatabase.KeyFile;
import dev.apkofarm.core.install.InstalledPackage;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.registry.PublishKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The content key of one per-arch build: a digest of everything that determines its bytes (engine version, options,
 * the arch's locked config, packages with their checksums, keys, repositories). Equal keys build equal blobs, so a
 * farm can share one execution between identical tasks and answer a repeat from its results.
 */
public final class BuildKey {
  private BuildKey() {}

  public static Digest of(LockedImage image, Arch arch, BuildOptions options) {
    return of(image, arch, options, Optional.empty());
  }

  /**
   * The key of a build whose blobs go to {@code pushRepository} ({@code registry/repository}) instead of the
   * builder's own store: where the result lives is part of what a farm can reuse, so it is part of the key.
   */
  public static Digest of(LockedImage image, Arch arch, BuildOptions options, Optional<String> pushRepository) {
    MessageDigest md = Digest.newSha256();
    field(md, "apko-farm build key v1");
    pushRepository.ifPresent(r -> field(md, "push-repository " + r));
    field(md, EngineVersion.get());
    field(md, options.identity());
    field(md, arch.ociName());
    md.update(ApkoJson.of(image.configFor(arch)));
    for (KeyFile k : image.keyring()) {
      field(md, "key " + k.name() + " " + Digest.of(k.content()));
    }
    for (String r : image.buildRepositories()) {
      field(md, "build-repository " + r);
    }
    for (String r : image.runtimeRepositories()) {
      field(md, "runtime-repository " + r);
    }
    if (image.base().isPresent()) {
      BaseArch b = image.base().get().arch(arch);
      field(md, "base " + image.base().get().image() + " " + b.manifest().digest() + " config "
          + Digest.of(b.config()));
      for (InstalledPackage p : b.installed()) {
        field(md, "base-record " + Digest.of(p.record()));
      }
    }
    for (LockedPackage p : image.packages(arch)) {
      field(md, "package " + p.name() + " " + p.version() + " " + p.arch() + " " + p.checksum() + " " + p.url());
    }
    return Digest.sha256(md.digest());
  }

  /**
   * The content key of a whole image: every arch's {@link #of build key}, in index order. The index is made of the
   * arches' manifests and of config annotations and dates those keys already cover, so equal keys give the same
   * index digest: what a publish records to recognise an image it need not build again.
   */
  public static Digest ofImage(LockedImage image, BuildOptions options) {
    Map<Arch, Digest> archKeys = new LinkedHashMap<>();
    for (Arch arch : image.archList()) {
      archKeys.put(arch, of(image, arch, options));
    }
    return ofImage(archKeys);
  }

  /**
   * The {@link #ofImage image key} of an image whose archs have these {@link #of build keys}: for whoever holds the
   * per-arch keys (a farm's tasks) rather than the locked image.
   */
  public static Digest ofImage(Map<Arch, Digest> archKeys) {
    if (archKeys.isEmpty()) {
      throw new IllegalArgumentException("an image key needs at least one arch");
    }
    TreeMap<String, Digest> byName = new TreeMap<>(); // index order: by OCI arch name, as LockedImage.archList()
    archKeys.forEach((arch, key) -> byName.put(arch.ociName(), key));
    MessageDigest md = Digest.newSha256();
    field(md, "apko-farm image key v1");
    byName.forEach((arch, key) -> field(md, arch + " " + key));
    return Digest.sha256(md.digest());
  }

  /**
   * The key {@code publish} and {@code submit --push} record with a pushed index and look for before building: the
   * {@link #ofImage image key} of the locked image built with {@code options} (whose reference is the pushed
   * {@code registry/repository:tag} in canonical form). Both compute it here so they agree on "unchanged".
   */
  public static PublishKey publishKey(LockedImage image, BuildOptions options) {
    return PublishKey.of(ofImage(image, options).toString());
  }

  private static void field(MessageDigest md, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    md.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
    md.update(b);
    md.update((byte) '\n');
  }
}
