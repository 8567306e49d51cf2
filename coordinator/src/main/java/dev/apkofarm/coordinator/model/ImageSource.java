package dev.apkofarm.coordinator.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One image as submitted: its name, the config file's name and bytes, and the local files the config references
 * (uploaded to the coordinator's blob store, by the path written in the config).
 *
 * @param name the image name, e.g. {@code nginx} for {@code nginx.yaml}
 * @param fileName the config file as the user named it, for error messages
 * @param configYaml the config's bytes
 * @param files path as written in the config -> {@code sha256:<hex>} of the uploaded file
 */
public record ImageSource(String name, String fileName, byte[] configYaml, Map<String, String> files)
    implements Serializable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public ImageSource {
    Objects.requireNonNull(fileName, "fileName");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "image name \"" + name + "\" (from " + fileName + ") must be 1-128 of [A-Za-z0-9._-], not starting with . - _");
    }
    configYaml = configYaml.clone();
    files = Map.copyOf(new TreeMap<>(files));
  }

  @Override
  public byte[] configYaml() {
    return configYaml.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageSource s
        && name.equals(s.name)
        && fileName.equals(s.fileName)
        && Arrays.equals(configYaml, s.configYaml)
        && files.equals(s.files);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, fileName, Arrays.hashCode(configYaml), files);
  }

  @Override
  public String toString() {
    return "ImageSource[" + name + " from " + fileName + ", " + configYaml.length + " bytes, files=" + files.keySet() + "]";
  }
}
