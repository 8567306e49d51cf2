package dev.apkofarm.testcontainers;

/**
 * What {@link LoadedImages} did for each image, in order: for tests that must show a build happened once, and for the
 * log line a user sees.
 */
@FunctionalInterface
interface BuildLog {
  /** Nothing recorded. */
  BuildLog NONE = e -> {};

  /** Called on the thread that did it; may block (a test holding a build until a second request waits). */
  void record(Event event);

  /** One step for one image name. */
  record Event(Kind kind, String image) {}

  enum Kind {
    /** Another thread of this JVM is building or checking the same name: this one waits for it. */
    WAITING,
    /** The daemon already has the image: nothing to build. */
    FOUND,
    /** Building (and then loading) it. */
    BUILDING,
    /** Loaded into the daemon. */
    LOADED
  }
}
