package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.config.Arch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apko-client pack}: a directory of plain files into a signed, reproducible .apk. */
@Command(
    name = "pack",
    description = {
      "Pack a directory into a signed APK package.",
      "The output is reproducible: entries sorted, owned by root (unless --keep-owners), mtimes = --build-date."
    })
final class PackCommand extends ClientCommand {
  // Not mixinStandardHelpOptions: its -V/--version would clash with the package's --version.
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory whose contents become the package's files.")
  Path dir;

  @Option(names = "--name", required = true, description = "Package name.")
  String name;

  @Option(names = "--version", required = true, description = "Package version, e.g. 1.0.0-r0.")
  String version;

  @Option(names = "--arch", required = true, description = "Architecture: x86_64/amd64, aarch64/arm64, ... or noarch.")
  String arch;

  @Option(names = {"--depends", "-d"}, paramLabel = "DEP", description = "A dependency (repeatable).")
  List<String> depends = new ArrayList<>();

  @Option(names = {"--provides", "-p"}, paramLabel = "NAME", description = "A provided name (repeatable).")
  List<String> provides = new ArrayList<>();

  @Option(names = "--replaces", paramLabel = "PKG", description = "A package whose files this one may overwrite (repeatable).")
  List<String> replaces = new ArrayList<>();

  @Option(names = "--install-if", paramLabel = "DEP", description = "An install_if condition (repeatable).")
  List<String> installIf = new ArrayList<>();

  @Option(names = "--provider-priority", defaultValue = "0", description = "Provider priority.")
  long providerPriority;

  @Option(names = "--origin", description = "Origin (default: the name).")
  String origin;

  @Option(names = "--description", defaultValue = "", description = "One-line description.")
  String description;

  @Option(names = "--url", defaultValue = "", description = "Project URL.")
  String url;

  @Option(names = "--license", defaultValue = "", description = "License expression.")
  String license;

  @Option(names = "--maintainer", defaultValue = "", description = "Maintainer.")
  String maintainer;

  @Option(names = "--trigger", paramLabel = "PATH", description = "A trigger path (repeatable).")
  List<String> triggers = new ArrayList<>();

  @Option(
      names = "--script",
      paramLabel = "NAME=FILE",
      description = "An install script, e.g. .post-install=post.sh (recorded, never run by apko-farm).")
  Map<String, Path> scripts = Map.of();

  @Option(
      names = "--build-date",
      paramLabel = "EPOCH",
      description = "Build time and every entry's mtime, in seconds (default: $SOURCE_DATE_EPOCH, else 0).")
  Long buildDate;

  @Option(names = "--keep-owners", description = "Keep files' uid/gid instead of root:root.")
  boolean keepOwners;

  @Mixin SigningOptions signing;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.apk", description = "Where to write the package.")
  Path output;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path source = root.resolve(dir);
    if (!Files.isDirectory(source)) {
      throw new BadInputException("pack: " + source + " is not a directory");
    }
    SigningKey key = signing.key(root);
    PackageSpec spec;
    try {
      PackageSpec.Builder b =
          PackageSpec.builder(name, version, apkArch(arch))
              .depends(depends)
              .provides(provides)
              .replaces(replaces)
              .installIf(installIf)
              .providerPriority(providerPriority)
              .description(description)
              .url(url)
              .license(license)
              .maintainer(maintainer)
              .triggers(triggers)
              .buildDate(buildDate != null ? buildDate : SourceDateEpoch.read(root).orElse(0));
      if (origin != null) {
        b.origin(origin);
      }
      for (Map.Entry<String, Path> s : scripts.entrySet()) {
        Path file = root.resolve(s.getValue());
        try {
          b.script(s.getKey(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
          throw new BadInputException("pack: script " + file + " does not exist");
        }
      }
      spec = b.build();
    } catch (IllegalArgumentException e) {
      throw new BadInputException("pack: " + e.getMessage(), e);
    }
    PackageContent content = PackageContent.fromDirectory(source, keepOwners);
    Path out = root.resolve(output);
    PackageInfo info =
        PackageWriter.write(spec, content, Optional.of(key), signing.algorithm(), out);
    out().println("wrote " + out + " (" + info.nameVersion() + ", " + info.checksum().orElse("") + ")");
    return 0;
  }

  private static String apkArch(String arch) throws BadInputException {
    if (arch.equals("noarch")) {
      return arch;
    }
    return Arch.parse(arch)
        .map(Arch::apkName)
        .orElseThrow(() -> new BadInputException("pack: unknown architecture \"" + arch + "\" (known: " + Arch.known() + ", noarch)"));
  }
}
