package dev.apkofarm.core;

/** The project version, filled in by the build (templating-maven-plugin); read through {@link EngineVersion}. */
final class BuiltVersion {
  static final String VERSION = "${project.version}";

  private BuiltVersion() {}
}
