package dev.apkofarm.core;

/** The version of the build engine, part of every build key: a different engine may build different bytes. */
public final class EngineVersion {
  private EngineVersion() {}

  /** The project version this engine was built as, e.g. {@code 0.1.0}. */
  public static String get() {
    return BuiltVersion.VERSION;
  }
}
