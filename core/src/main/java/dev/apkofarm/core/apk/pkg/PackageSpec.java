package dev.apkofarm.core.apk.pkg;

import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.Dependency;
import dev.apkofarm.core.apk.PackageNames;
import dev.apkofarm.core.apk.Version;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metadata of a package to write, i.e. its {@code .PKGINFO} and install scripts.
 *
 * @param name package name
 * @param version apk version (must be valid apk syntax)
 * @param arch apk architecture ({@code x86_64}, {@code aarch64}, ... or {@code noarch})
 * @param description one-line description
 * @param url project URL
 * @param license license expression
 * @param origin source package name (defaults to the name)
 * @param maintainer maintainer
 * @param commit source commit
 * @param buildDate build time in seconds since the epoch; also every entry's mtime (0 = the epoch)
 * @param depends dependencies
 * @param provides provides
 * @param replaces packages whose files this one may overwrite
 * @param installIf install_if conditions
 * @param providerPriority provider priority (0 = none)
 * @param replacesPriority replaces priority (0 = none)
 * @param triggers trigger paths
 * @param scripts install scripts by control file name ({@code .pre-install}, {@code .post-install}, ...)
 */
public record PackageSpec(
    String name,
    String version,
    String arch,
    String description,
    String url,
    String license,
    String origin,
    String maintainer,
    String commit,
    long buildDate,
    List<String> depends,
    List<String> provides,
    List<String> replaces,
    List<String> installIf,
    long providerPriority,
    long replacesPriority,
    List<String> triggers,
    Map<String, String> scripts) {

  /** The control file names apk knows as scripts. */
  public static final Set<String> SCRIPT_NAMES =
      Set.of(
          ".pre-install",
          ".post-install",
          ".pre-upgrade",
          ".post-upgrade",
          ".pre-deinstall",
          ".post-deinstall",
          ".trigger");

  public PackageSpec {
    Objects.requireNonNull(name, "name");
    if (PackageNames.nameProblem(name) != null) {
      throw new IllegalArgumentException(PackageNames.nameProblem(name));
    }
    if (PackageNames.versionProblem(version) != null || !Version.isValid(version)) {
      throw new IllegalArgumentException("invalid version " + InputText.quote(version) + " for package " + name);
    }
    if (arch.isEmpty() || arch.contains("/")) {
      throw new IllegalArgumentException("invalid arch \"" + arch + "\" for package " + name);
    }
    for (String field : List.of(description, url, license, origin, maintainer, commit)) {
      // apko's .PKGINFO reader (an INI parser) cuts values at '#' or ';'; refuse rather than be misread.
      if (field.contains("\n") || field.contains("#") || field.contains(";")) {
        throw new IllegalArgumentException(
            "package " + name + ": metadata \"" + field + "\" must be one line without '#' or ';'");
      }
    }
    if (buildDate < 0) {
      throw new IllegalArgumentException("package " + name + ": negative build date");
    }
    depends = checked(depends, name, "depends");
    provides = checked(provides, name, "provides");
    replaces = checked(replaces, name, "replaces");
    installIf = checked(installIf, name, "install_if");
    triggers = List.copyOf(triggers);
    for (String script : scripts.keySet()) {
      if (!SCRIPT_NAMES.contains(script)) {
        throw new IllegalArgumentException(
            "package " + name + ": unknown script \"" + script + "\" (one of " + new java.util.TreeSet<>(SCRIPT_NAMES) + ")");
      }
    }
    scripts = Map.copyOf(new TreeMap<>(scripts));
  }

  private static List<String> checked(List<String> values, String pkg, String field) {
    for (String v : values) {
      if (v.isEmpty() || v.contains(" ") || v.contains("\n")) {
        throw new IllegalArgumentException("package " + pkg + ": invalid " + field + " entry \"" + v + "\"");
      }
      Dependency.parse(v);
    }
    return List.copyOf(values);
  }

  /** Starts a spec; origin defaults to the name, everything else to empty. */
  public static Builder builder(String name, String version, String arch) {
    return new Builder(name, version, arch);
  }

  /** Builds a {@link PackageSpec}. */
  public static final class Builder {
    private final String name;
    private final String version;
    private final String arch;
    private String description = "";
    private String url = "";
    private String license = "";
    private String origin;
    private String maintainer = "";
    private String commit = "";
    private long buildDate;
    private List<String> depends = List.of();
    private List<String> provides = List.of();
    private List<String> replaces = List.of();
    private List<String> installIf = List.of();
    private long providerPriority;
    private long replacesPriority;
    private List<String> triggers = List.of();
    private final Map<String, String> scripts = new TreeMap<>();

    private Builder(String name, String version, String arch) {
      this.name = name;
      this.version = version;
      this.arch = arch;
      this.origin = name;
    }

    public Builder description(String v) {
      description = v;
      return this;
    }

    public Builder url(String v) {
      url = v;
      return this;
    }

    public Builder license(String v) {
      license = v;
      return this;
    }

    public Builder origin(String v) {
      origin = v;
      return this;
    }

    public Builder maintainer(String v) {
      maintainer = v;
      return this;
    }

    public Builder commit(String v) {
      commit = v;
      return this;
    }

    public Builder buildDate(long v) {
      buildDate = v;
      return this;
    }

    public Builder depends(List<String> v) {
      depends = v;
      return this;
    }

    public Builder depends(String... v) {
      return depends(List.of(v));
    }

    public Builder provides(List<String> v) {
      provides = v;
      return this;
    }

    public Builder provides(String... v) {
      return provides(List.of(v));
    }

    public Builder replaces(List<String> v) {
      replaces = v;
      return this;
    }

    public Builder replaces(String... v) {
      return replaces(List.of(v));
    }

    public Builder installIf(List<String> v) {
      installIf = v;
      return this;
    }

    public Builder installIf(String... v) {
      return installIf(List.of(v));
    }

    public Builder providerPriority(long v) {
      providerPriority = v;
      return this;
    }

    public Builder replacesPriority(long v) {
      replacesPriority = v;
      return this;
    }

    public Builder triggers(List<String> v) {
      triggers = v;
      return this;
    }

    public Builder script(String controlName, String content) {
      scripts.put(controlName, content);
      return this;
    }

    public PackageSpec build() {
      return new PackageSpec(
          name,
          version,
          arch,
          description,
          url,
          license,
          origin,
          maintainer,
          commit,
          buildDate,
          depends,
          provides,
          replaces,
          installIf,
          providerPriority,
          replacesPriority,
          triggers,
          scripts);
    }
  }
}
