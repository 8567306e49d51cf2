package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.resolve.Resolution;
import dev.apkofarm.core.apk.resolve.ResolvedPackage;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.LoadedConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code apko-client show-packages}: the packages a config resolves to, per arch, in install order. */
@Command(
    name = "show-packages",
    mixinStandardHelpOptions = true,
    description = {
      "Print the packages a config resolves to, one per line, in install order.",
      "Formats: name-version (default), name-version-source, name=version, name=version-source, name-(version),"
          + " name-(version)-source, packagelock, packagelock-source, or a template with {{.Name}}, {{.Version}},"
          + " {{.Source}}."
    })
final class ShowPackagesCommand extends ClientCommand {
  private static final Map<String, String> FORMATS =
      Map.of(
          "name-version", "{{ .Name }} {{ .Version }}",
          "name-version-source", "{{ .Name }} {{ .Version }} {{ .Source }}",
          "name=version", "{{ .Name }}={{ .Version }}",
          "name=version-source", "{{ .Name }}={{ .Version }} {{ .Source }}",
          "name-(version)", "{{ .Name }} ({{ .Version }})",
          "name-(version)-source", "{{ .Name }} ({{ .Version }}) {{ .Source }}",
          "packagelock", "- {{ .Name }}={{ .Version }}",
          "packagelock-source", "- {{ .Name }}={{ .Version }} # {{ .Source }}");

  @Option(names = "--format", defaultValue = "name-version", description = "Output format (see above).")
  String format;

  @Mixin ConfigOptions configs;

  @Mixin RepositoryOptions repositories;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path workDir = root.workDir();
    LoadedConfig loaded = configs.load(workDir, err());
    String template = FORMATS.getOrDefault(format, format);
    Map<Arch, Resolution> resolved = repositories.locker(workDir).resolve(repositories.request(loaded, configs.base(workDir, loaded, repositories.archs(loaded), err())));
    for (Map.Entry<Arch, Resolution> e : resolved.entrySet()) {
      if (resolved.size() > 1) {
        err().println("packages for " + e.getKey().apkName());
      }
      for (ResolvedPackage p : e.getValue().packages()) {
        out().println(render(template, p));
      }
    }
    out().flush();
    return 0;
  }

  /** Fills {@code {{ .Name }}}, {@code {{ .Version }}} and {@code {{ .Source }}} (spaces inside braces optional). */
  // Compiled once: String.replaceAll compiles its regex on every call, three per package printed.
  private static final Pattern NAME = Pattern.compile("\\{\\{\\s*\\.Name\\s*}}");
  private static final Pattern VERSION = Pattern.compile("\\{\\{\\s*\\.Version\\s*}}");
  private static final Pattern SOURCE = Pattern.compile("\\{\\{\\s*\\.Source\\s*}}");

  static String render(String template, ResolvedPackage p) {
    String named = NAME.matcher(template).replaceAll(Matcher.quoteReplacement(p.name()));
    String versioned = VERSION.matcher(named).replaceAll(Matcher.quoteReplacement(p.version()));
    return SOURCE.matcher(versioned).replaceAll(Matcher.quoteReplacement(p.url()));
  }
}
