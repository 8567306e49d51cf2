package dev.apkofarm.coordinator.engine;

import dev.apkofarm.coordinator.model.ImageSource;
import dev.apkofarm.core.config.LoadedConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Configs parsed at submission, kept for the lock step that follows, so a config is parsed once. Bounded: an entry
 * that falls out (or one validated by a coordinator before a restart) is parsed again by the lock step.
 */
final class ParsedConfigs {
  /** A parsed config and the directory its relative paths resolve against. */
  record Parsed(Path dir, LoadedConfig config) {}

  private final Map<ImageSource, Parsed> entries;

  ParsedConfigs(int capacity) {
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ImageSource, Parsed> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized void put(ImageSource source, Parsed parsed) {
    entries.put(source, parsed);
  }

  /** The parsed config of {@code source}, removed from here (a lock consumes it). */
  synchronized Optional<Parsed> take(ImageSource source) {
    return Optional.ofNullable(entries.remove(source));
  }
}
