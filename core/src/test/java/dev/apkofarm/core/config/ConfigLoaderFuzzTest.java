package dev.apkofarm.core.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target for the YAML config loader: any bytes as a top-level config, loaded in an empty working directory.
 * Refusing with a {@link ConfigException} is fine; any other exception or error (a stack overflow on deep nesting, a
 * runtime exception from a record) is a finding. Corpus: {@code ConfigLoaderFuzzTestInputs/configLoader/}.
 */
class ConfigLoaderFuzzTest {
  private static final Path EMPTY = emptyDirectory();

  @FuzzTest
  void configLoader(byte[] input) {
    try {
      LoadedConfig loaded = new ConfigLoader(EMPTY).parse("fuzz.yaml", input);
      // What loads can be shown (show-config) and becomes an image config.
      ConfigWriter.yaml(loaded.config());
      loaded.config().ociEnv();
      loaded.config().cmdArgv();
      loaded.config().entrypointArgv();
    } catch (ConfigException refused) {
      // refused: fine
    }
  }

  private static Path emptyDirectory() {
    try {
      Path dir = Files.createTempDirectory("config-fuzz-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
