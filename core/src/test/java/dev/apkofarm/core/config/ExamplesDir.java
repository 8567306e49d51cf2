package dev.apkofarm.core.config;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The test resources holding our example configs, laid out as apko's repository is: configs under examples/. */
final class ExamplesDir {
  private ExamplesDir() {}

  /** The working directory the examples' includes are relative to (the parent of examples/). */
  static Path workDir() {
    try {
      return Path.of(ExamplesDir.class.getResource("examples").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static ImageConfig load(String name) throws ConfigException {
    return new ConfigLoader(workDir()).load("examples/" + name).config();
  }
}
