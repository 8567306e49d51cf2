package dev.apkofarm.coordinator.scheduler;

import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.core.config.Arch;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A submission: the images, an optional arch override, and the settings.
 *
 * @param images at least one, names unique
 * @param archOverride empty = each config's own archs
 * @param settings options and output
 * @param label free-form, shown by status and list
 */
public record JobRequest(List<ImageSource> images, List<Arch> archOverride, BuildSettings settings, String label) {
  public JobRequest {
    images = List.copyOf(images);
    archOverride = Arch.sorted(archOverride);
    Objects.requireNonNull(settings, "settings");
    label = label == null ? "" : label;
    if (images.isEmpty()) {
      throw new IllegalArgumentException("a job needs at least one image");
    }
    Set<String> names = new HashSet<>();
    for (ImageSource i : images) {
      if (!names.add(i.name())) {
        throw new IllegalArgumentException(
            "two configs are named \"" + i.name() + "\" (" + i.fileName() + "): image names must be unique in a job");
      }
    }
    for (ImageSource i : images) {
      settings.pushRepository(i.name()); // refuses a prefix and name that make no repository, naming both
    }
  }
}
