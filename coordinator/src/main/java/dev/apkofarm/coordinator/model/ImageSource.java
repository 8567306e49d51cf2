package dev.apkofarm.coordinator.model;

import dev.apkofarm.core.apk.PackageNames;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One image as submitted: its name, the config file's name and bytes, the local files the config references
 * (uploaded to the coordinator's blob store, by the path written in the config), and packages to add to the
 * config's own (the registry front's ad hoc images, {@code <config>/<package>/...}).
 *
 * @param name the image name, e.g. {@code nginx} for {@code nginx.yaml}
 * @param fileName the config file as the user named it, for error messages
 * @param configYaml the config's bytes
 * @param files path as written in the config -> {@code sha256:<hex>} of the uploaded file
 * @param packagesAppended appended to {@code contents.packages} as apko's {@code --package-append} does (only the
 *     config's repositories and keys are used for them); empty for a config as written
 * @param frontConfig a config of the registry front's own directory (the operator's, not a client's): the engine locks
 *     it in the directory the front was started in instead of an input tree. Only the front sets it; a submitted
 *     config (gRPC) never can, so no client gets the coordinator's files read for it
 */
public record ImageSource(
    String name, String fileName, byte[] configYaml, Map<String, String> files, List<String> packagesAppended,
    boolean frontConfig) implements Serializable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public ImageSource {
    Objects.requireNonNull(fileName, "fileName");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "image name \"" + name + "\" (from " + fileName + ") must be 1-128 of [A-Za-z0-9._-], not starting with . - _");
    }
    configYaml = configYaml.clone();
    files = Map.copyOf(new TreeMap<>(files));
    packagesAppended = List.copyOf(packagesAppended);
    for (String p : packagesAppended) {
      String problem = PackageNames.nameProblem(p);
      if (problem != null) {
        throw new IllegalArgumentException(name + ": " + problem);
      }
    }
  }

  /** A submitted config (not the registry front's), with packages appended. */
  public ImageSource(
      String name, String fileName, byte[] configYaml, Map<String, String> files, List<String> packagesAppended) {
    this(name, fileName, configYaml, files, packagesAppended, false);
  }

  /** A submitted config as written, nothing appended. */
  public ImageSource(String name, String fileName, byte[] configYaml, Map<String, String> files) {
    this(name, fileName, configYaml, files, List.of());
  }

  @Override
  public byte[] configYaml() {
    return configYaml.clone();
  }

  /**
   * The reference the farm builds the image as (it names the image in SBOMs, so it is part of every build key):
   * {@code <name>:latest}, or {@code <name>/<package>/...:latest} with packages appended, the path the registry front
   * serves it under.
   */
  public String reference() {
    return name + (packagesAppended.isEmpty() ? "" : "/" + String.join("/", packagesAppended)) + ":latest";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageSource s
        && name.equals(s.name)
        && fileName.equals(s.fileName)
        && Arrays.equals(configYaml, s.configYaml)
        && files.equals(s.files)
        && packagesAppended.equals(s.packagesAppended)
        && frontConfig == s.frontConfig;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, fileName, Arrays.hashCode(configYaml), files, packagesAppended, frontConfig);
  }

  @Override
  public String toString() {
    return "ImageSource[" + name + " from " + fileName + ", " + configYaml.length + " bytes, files=" + files.keySet()
        + (packagesAppended.isEmpty() ? "" : ", packages appended=" + packagesAppended)
        + (frontConfig ? ", the registry front's" : "") + "]";
  }
}
