package dev.apkofarm.core.build;

import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.ImageConfigFile;
import dev.apkofarm.core.oci.ImageConfigFile.ContainerConfig;
import dev.apkofarm.core.oci.ImageConfigFile.History;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.Platform;
import dev.apkofarm.core.oci.json.GoTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * apko's {@code BuildImageFromLayers} and index annotations: the OCI config of one arch (author, history comment,
 * labels = annotations + created, entrypoint, cmd, env with defaults, user, volumes, ...) from its finished config.
 */
final class ImageJson {
  static final String AUTHOR = "github.com/chainguard-dev/apko";
  static final String TITLE = "org.opencontainers.image.title";
  static final String VENDOR = "org.opencontainers.image.vendor";
  static final String CREATED = "org.opencontainers.image.created";

  private ImageJson() {}

  /** Config annotations plus source/revision from {@code vcs-url URL@REV} and the creation time. */
  static Map<String, String> annotations(ImageConfig config, Instant created) {
    Map<String, String> a = new LinkedHashMap<>(config.annotations());
    config.vcsUrl().ifPresent(v -> {
      int at = v.indexOf('@');
      if (at >= 0) {
        a.put("org.opencontainers.image.source", v.substring(0, at));
        a.put("org.opencontainers.image.revision", v.substring(at + 1));
      }
    });
    a.put(CREATED, GoTime.format(created));
    return a;
  }

  /** The history comment of the layers apko built: "TITLE by VENDOR", else one for a single layer, else none. */
  static String comment(ImageConfig config, List<Layer> layers) {
    String comment = layers.size() > 1 ? "" : "This is an apko single-layer image";
    String title = config.annotations().get(TITLE);
    String vendor = config.annotations().get(VENDOR);
    if (title != null && vendor != null) {
      comment = title + " by " + vendor;
    }
    return comment;
  }

  static ImageConfigFile config(ImageConfig config, Arch arch, List<Layer> layers, Instant created) {
    String comment = comment(config, layers);
    List<History> history = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    for (Layer l : layers) {
      history.add(new History("apko", created, "apko", comment));
      diffIds.add(l.diffId());
    }
    ContainerConfig run =
        new ContainerConfig(
            config.cmdArgv(),
            config.entrypointArgv(),
            config.ociEnv(),
            new java.util.TreeMap<>(annotations(config, created)),
            config.accounts().runAs().orElse(""),
            new TreeSet<>(config.volumes()),
            config.workDir().orElse(""),
            config.stopSignal().orElse(""));
    return new ImageConfigFile(Platform.of(arch), AUTHOR, created, history, diffIds, run);
  }
}
