package dev.apkofarm.core.base;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.install.InstalledPackage;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.json.GoTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One arch of a base image, read and checked: its manifest, its config blob, its layers (reused as they are) and the
 * packages its installed database lists. Plain values; the layer bytes stay in the base's blob directory.
 *
 * @param arch the arch
 * @param manifest the base manifest blob
 * @param manifestAnnotations the base manifest's annotations (the top image's manifest keeps them)
 * @param config the base config blob's bytes
 * @param layers the base layers, bottom first: diff_id from the config, descriptor from the manifest
 * @param installed the base's packages as apko reads them, each with the record it writes into the top image
 */
public record BaseArch(
    Arch arch,
    Descriptor manifest,
    Map<String, String> manifestAnnotations,
    byte[] config,
    List<Layer> layers,
    List<InstalledPackage> installed) {
  public BaseArch {
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(manifest, "manifest");
    manifestAnnotations = Collections.unmodifiableMap(new TreeMap<>(manifestAnnotations));
    config = config.clone();
    layers = List.copyOf(layers);
    installed = List.copyOf(installed);
  }

  @Override
  public byte[] config() {
    return config.clone();
  }

  /** {@code name=version} of every base package: the world entries that keep them as they are. */
  public List<String> pins() {
    List<String> out = new ArrayList<>();
    installed.forEach(p -> out.add(p.meta().name() + "=" + p.meta().version()));
    return out;
  }

  /** Whether the base has a package of that name. */
  public boolean has(String packageName) {
    return installed.stream().anyMatch(p -> p.meta().name().equals(packageName));
  }

  /**
   * The config of the image on top, as apko appends a layer to the base (go-containerregistry's append, then
   * apko's settings): the base config with its history and diff_ids extended, author, platform, creation time and
   * labels set, {@code Env} replaced by the top config's (defaults included), and entrypoint, cmd, working
   * directory, volumes, user and stop signal replaced only where the top config sets them.
   *
   * @param labels the top image's annotations (they become the labels, replacing the base's)
   * @param comment the history comment of the new layers
   */
  public byte[] configOnTop(
      ImageConfig top, List<Digest> newDiffIds, String comment, Instant created, Map<String, String> labels)
      throws BadInputException {
    ConfigFileJson c = ConfigFileJson.parse(config, "base image config " + arch);
    String time = GoTime.format(created);
    for (Digest d : newDiffIds) {
      c.history.add(new ConfigFileJson.History("apko", time, "apko", comment, false));
      c.diffIds.add(d.toString());
    }
    c.author = "github.com/chainguard-dev/apko";
    c.architecture = arch.ociArchitecture();
    c.variant = arch.ociVariant().orElse("");
    c.created = time;
    c.os = "linux";
    c.config.put("Labels", new TreeMap<>(labels));
    if (!top.entrypointArgv().isEmpty()) {
      c.config.put("Entrypoint", top.entrypointArgv());
    }
    if (!top.cmdArgv().isEmpty()) {
      c.config.put("Cmd", top.cmdArgv());
    }
    top.workDir().ifPresent(w -> c.config.put("WorkingDir", w));
    if (!top.volumes().isEmpty()) {
      c.config.put("Volumes", new ArrayList<>(new java.util.TreeSet<>(top.volumes())));
    }
    c.config.put("Env", top.ociEnv());
    top.accounts().runAs().ifPresent(u -> c.config.put("User", u));
    top.stopSignal().ifPresent(s -> c.config.put("StopSignal", s));
    return c.toJson();
  }
}
