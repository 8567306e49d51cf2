package dev.apkofarm.core.image;

import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.TreeException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** apko's s6 supervision tree: {@code /sv/<service>/run} = {@code #!/bin/execlineb\n<command>\n} (0755, dirs 0777). */
final class ServiceBundle {
  private ServiceBundle() {}

  static void write(ImageTree tree, Map<String, String> services) throws TreeException {
    for (Map.Entry<String, String> s : new java.util.TreeMap<>(services).entrySet()) {
      String dir = "sv/" + s.getKey();
      tree.mkdirAll(dir, 0777);
      tree.writeFile(
          dir + "/run", ("#!/bin/execlineb\n" + s.getValue() + "\n").getBytes(StandardCharsets.UTF_8), 0755);
    }
  }
}
