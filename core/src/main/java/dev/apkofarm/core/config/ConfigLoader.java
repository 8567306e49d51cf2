package dev.apkofarm.core.config;

import dev.apkofarm.core.InputText;
import dev.apkofarm.core.config.ConfigDecoder.Decoded;
import dev.apkofarm.core.config.YamlTree.Mark;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads an apko YAML config into a {@link LoadedConfig}: parses it, merges its {@code include} chain, normalises it
 * and checks it, reporting every problem as a {@link ConfigException} naming file, line, column and field.
 *
 * <p>Paths follow apko: the config and each {@code include} are looked up relative to the working directory first,
 * then under each include path (apko's {@code --include-paths}); as a convenience an {@code include} is finally
 * looked up beside the including file. An included file must be YAML ({@code .yaml}, {@code .yml}) whose real path
 * lies under the top-level config's directory, the working directory or an include path, and an error in it never
 * quotes its contents ({@link IncludedFileErrors}): an {@code include} cannot read or disclose a host file. Normalisation, as apko applies before building: {@code archs} de-duplicated
 * and sorted; {@code entrypoint.type: service-bundle} sets the command to {@code /bin/s6-svscan /sv} and appends the
 * package {@code s6}; users without {@code homedir} get {@code /home/USERNAME}; trailing slashes of repositories are
 * removed. Build-time defaults (environment, archs when none are given, layer format) stay out of the config; see
 * {@link ImageConfig#effectiveEnvironment()}.
 */
public final class ConfigLoader {
  private final Path workDir;
  private final List<Path> includePaths;

  /** A loader resolving relative paths against {@code workDir} only. */
  public ConfigLoader(Path workDir) {
    this(workDir, List.of());
  }

  /**
   * @param workDir the working directory ({@code -C DIR})
   * @param includePaths further directories to look for configs and includes in (relative ones against workDir)
   */
  public ConfigLoader(Path workDir, List<Path> includePaths) {
    this.workDir = workDir.toAbsolutePath().normalize();
    this.includePaths = List.copyOf(includePaths);
  }

  /** Loads the config at {@code configPath} (as the user wrote it: relative to the working directory). */
  public LoadedConfig load(String configPath) throws ConfigException {
    Objects.requireNonNull(configPath, "configPath");
    Path path = resolve(configPath, Optional.empty())
        .orElseThrow(() -> new ConfigException(configPath, 0, 0, "", "no such file" + lookedIn(Optional.empty())));
    return load(configPath, path, read(configPath, path));
  }

  /**
   * Loads a config whose top-level bytes are already in memory (e.g. sent by a client); its {@code include}, if
   * any, is read from the filesystem as usual.
   *
   * @param name the name to report and to record in a lock ({@code config.name})
   */
  public LoadedConfig parse(String name, byte[] content) throws ConfigException {
    return load(name, workDir.resolve(name).normalize(), content.clone());
  }

  private LoadedConfig load(String name, Path path, byte[] content) throws ConfigException {
    List<LoadedConfig.Source> sources = new ArrayList<>();
    List<Decoded> chain = new ArrayList<>();
    sources.add(new LoadedConfig.Source(name, path, content));
    Decoded top = decode(name, content);
    chain.add(top);
    List<Path> visiting = new ArrayList<>(List.of(realPath(path)));
    Decoded current = top;
    while (current.include().isPresent()) {
      String include = current.include().get();
      Mark at = current.marks().get("include");
      Path parentDir = sources.get(sources.size() - 1).path().getParent();
      Optional<Path> found = resolve(include, Optional.ofNullable(parentDir));
      if (found.isEmpty()) {
        throw new ConfigException(
            current.file(), at.line(), at.column(), "include",
            "cannot find \"" + include + "\"" + lookedIn(Optional.ofNullable(parentDir)));
      }
      Path real = realPath(found.get());
      if (!mayInclude(real, path)) {
        throw new ConfigException(
            current.file(), at.line(), at.column(), "include",
            "cannot include " + InputText.quote(include) + ": only YAML files (.yaml, .yml) under the config's"
                + " directory, the working directory or an include path (--include-paths) may be included");
      }
      if (visiting.contains(real)) {
        List<String> cycle = new ArrayList<>();
        for (LoadedConfig.Source s : sources) {
          cycle.add(s.name());
        }
        cycle.add(include);
        throw new ConfigException(
            current.file(), at.line(), at.column(), "include", "include cycle: " + String.join(" -> ", cycle));
      }
      visiting.add(real);
      String includeName = displayName(include, found.get());
      byte[] bytes = read(includeName, found.get());
      sources.add(new LoadedConfig.Source(includeName, found.get(), bytes));
      try {
        current = decode(includeName, bytes);
      } catch (ConfigException e) {
        throw IncludedFileErrors.withoutContent(e);
      }
      chain.add(current);
    }

    // Merge from the innermost include outwards, checking each file's own config as apko does.
    ImageConfig merged = chain.get(chain.size() - 1).config();
    check(merged, chain.subList(chain.size() - 1, chain.size()), top);
    for (int i = chain.size() - 2; i >= 0; i--) {
      merged = IncludeMerge.merge(merged, chain.get(i).config());
      check(merged, chain.subList(i, chain.size()), top);
    }
    ImageConfig normalised = normalise(merged);
    check(normalised, chain, top);

    List<String> warnings = new ArrayList<>();
    chain.forEach(d -> warnings.addAll(d.warnings()));
    return new LoadedConfig(normalised, name, workDir, sources, warnings);
  }

  /** apko's pre-build mutations (its {@code Validate}); the rest is applied by the records themselves. */
  static ImageConfig normalise(ImageConfig c) {
    if (!c.entrypoint().isServiceBundle()) {
      return c;
    }
    Entrypoint e = c.entrypoint();
    List<String> packages = new ArrayList<>(c.contents().packages());
    // Appended even when already listed, as apko does: the duplicate is harmless in /etc/apk/world.
    packages.add("s6");
    return c.toBuilder()
        .entrypoint(
            new Entrypoint(e.type(), Optional.of(Entrypoint.SERVICE_BUNDLE_COMMAND), e.shellFragment(), e.services()))
        .contents(c.contents().withPackages(packages))
        .buildUnchecked();
  }

  // Reports a broken cross-field rule at the field's position in the first file of the chain that wrote it.
  private static void check(ImageConfig config, List<Decoded> chain, Decoded topLevel) throws ConfigException {
    ConfigRules.Problem problem = ConfigRules.check(config);
    if (problem == null) {
      return;
    }
    for (Decoded d : chain) {
      Mark mark = d.marks().get(problem.field());
      if (mark != null) {
        ConfigException e =
            new ConfigException(d.file(), mark.line(), mark.column(), problem.field(), problem.message());
        throw d == topLevel ? e : IncludedFileErrors.withoutContent(e);
      }
    }
    throw new ConfigException(chain.get(0).file(), 0, 0, problem.field(), problem.message());
  }

  private static Decoded decode(String name, byte[] content) throws ConfigException {
    String text = utf8(name, content);
    YamlTree.Node root;
    try {
      root = YamlTree.parse(text);
    } catch (YamlTree.SyntaxException e) {
      throw new ConfigException(name, e.mark.line(), e.mark.column(), "", e.getMessage(), e);
    }
    return ConfigDecoder.decode(name, root);
  }

  private static String utf8(String name, byte[] content) throws ConfigException {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw new ConfigException(name, 0, 0, "", "not UTF-8 text", e);
    }
  }

  private static byte[] read(String name, Path path) throws ConfigException {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, 0, 0, "", "no such file", e);
    } catch (IOException e) {
      throw new ConfigException(name, 0, 0, "", "cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  // An include must be YAML inside a tree the user pointed us at: beside (or below) the top-level config, the working
  // directory, or an include path. Checked on the real path, so a symlink out of the tree does not count.
  private boolean mayInclude(Path real, Path topLevel) {
    String file = real.getFileName() == null ? "" : real.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (!file.endsWith(".yaml") && !file.endsWith(".yml")) {
      return false;
    }
    List<Path> roots = new ArrayList<>();
    roots.add(realPath(workDir));
    for (Path dir : includePaths) {
      roots.add(realPath(workDir.resolve(dir)));
    }
    Path configDir = topLevel.toAbsolutePath().getParent();
    if (configDir != null) {
      roots.add(realPath(configDir));
    }
    return roots.stream().anyMatch(real::startsWith);
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  // apko's lookup: as given (relative to the working directory), then under each include path; includes also
  // beside the including file.
  private Optional<Path> resolve(String name, Optional<Path> includingDir) {
    for (Path candidate : candidates(name, includingDir)) {
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate.normalize());
      }
    }
    return Optional.empty();
  }

  private List<Path> candidates(String name, Optional<Path> includingDir) {
    List<Path> out = new ArrayList<>();
    Path p = Path.of(name);
    if (p.isAbsolute()) {
      return List.of(p);
    }
    out.add(workDir.resolve(p));
    for (Path dir : includePaths) {
      out.add(workDir.resolve(dir).resolve(p));
    }
    includingDir.ifPresent(d -> out.add(d.resolve(p)));
    return out;
  }

  private String lookedIn(Optional<Path> includingDir) {
    List<String> dirs = new ArrayList<>();
    dirs.add(workDir.toString());
    for (Path dir : includePaths) {
      dirs.add(workDir.resolve(dir).normalize().toString());
    }
    includingDir.ifPresent(d -> dirs.add(d.toString()));
    return " (looked in " + String.join(", ", dirs) + ")";
  }

  // Names an included file as the user would: the include as written when found from the working directory,
  // else the path it was found at.
  private String displayName(String include, Path found) {
    if (found.equals(workDir.resolve(include).normalize())) {
      return include;
    }
    Path rel = found.startsWith(workDir) ? workDir.relativize(found) : found;
    return rel.toString();
  }
}
