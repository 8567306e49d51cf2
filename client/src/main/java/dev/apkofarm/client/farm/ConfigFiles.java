package dev.apkofarm.client.farm;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.ConfigFileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The configs named on a command line: files as given, directories expanded to their {@code *.yaml}/{@code *.yml}
 * (not recursively, sorted by name). Each config names an image after its file ({@code nginx.yaml} -> {@code nginx}).
 */
public final class ConfigFiles {
  private ConfigFiles() {}

  /**
   * One config.
   *
   * @param image the image name
   * @param path the file
   * @param display the path as the user would write it (for messages and for the coordinator's errors)
   */
  public record Config(String image, Path path, String display) {}

  /** Expands {@code args} (resolved against {@code workDir}). */
  public static List<Config> collect(Path workDir, List<Path> args) throws BadInputException, IOException {
    List<Config> out = new ArrayList<>();
    Map<String, Path> seen = new HashMap<>();
    for (Path arg : args) {
      Path p = workDir.resolve(arg).normalize();
      List<Path> files = new ArrayList<>();
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> Files.isRegularFile(f) && ConfigFileName.isConfig(f)).sorted().forEach(files::add);
        }
        if (files.isEmpty()) {
          throw new BadInputException(arg + ": no *.yaml or *.yml config in this directory");
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new BadInputException(arg + ": no such file or directory");
      }
      for (Path f : files) {
        String image = ConfigFileName.imageName(f);
        Path earlier = seen.putIfAbsent(image, f);
        if (earlier != null && !earlier.equals(f)) {
          throw new BadInputException(
              "two configs would both build image \"" + image + "\": " + earlier + " and " + f);
        }
        if (earlier == null) {
          String display = f.startsWith(workDir) ? workDir.relativize(f).toString() : f.toString();
          out.add(new Config(image, f, display));
        }
      }
    }
    return out;
  }
}
