package dev.apkofarm.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An apko image configuration: immutable, every field of apko's schema, YAML names in the Javadoc of each accessor.
 *
 * <p>Values are as written (after include merging and the normalisation {@link ConfigLoader} applies), never with
 * build-time defaults mixed in: {@link #environment()} is what the config declares, {@link #effectiveEnvironment()}
 * adds apko's defaults. An empty {@link #archs()} means "not specified" (apko then builds every arch; the farm
 * applies its own default or override). Lists and maps keep the order written. Build one with {@link #builder()} or
 * change one with {@link #toBuilder()}.
 */
public final class ImageConfig {
  /** apko's default {@code PATH}, added to the container environment when the config sets none. */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin";
  /** apko's default {@code SSL_CERT_FILE}. */
  public static final String DEFAULT_SSL_CERT_FILE = "/etc/ssl/certs/ca-certificates.crt";

  private final ImageContents contents;
  private final Entrypoint entrypoint;
  private final Optional<String> cmd;
  private final Optional<String> stopSignal;
  private final Optional<String> workDir;
  private final Accounts accounts;
  private final List<Arch> archs;
  private final Map<String, String> environment;
  private final List<PathMutation> paths;
  private final Optional<String> vcsUrl;
  private final Map<String, String> annotations;
  private final Optional<String> include;
  private final List<String> volumes;
  private final Optional<Layering> layering;
  private final Optional<LayerFormat> format;
  private final Optional<Certificates> certificates;

  private ImageConfig(Builder b) {
    contents = Objects.requireNonNull(b.contents, "contents");
    entrypoint = Objects.requireNonNull(b.entrypoint, "entrypoint");
    cmd = Objects.requireNonNull(b.cmd, "cmd");
    cmd.ifPresent(ShellWords::split); // unbalanced quotes are a config error, not a build failure
    stopSignal = Objects.requireNonNull(b.stopSignal, "stopSignal");
    workDir = Objects.requireNonNull(b.workDir, "workDir");
    workDir.ifPresent(d -> ConfigNames.require(ConfigNames.workDirProblem(d), "work-dir"));
    accounts = Objects.requireNonNull(b.accounts, "accounts");
    archs = List.copyOf(b.archs);
    environment = orderedCopy(b.environment);
    environment.keySet().forEach(k -> ConfigNames.require(ConfigNames.envKeyProblem(k), "environment:"));
    paths = List.copyOf(b.paths);
    vcsUrl = Objects.requireNonNull(b.vcsUrl, "vcsUrl");
    annotations = orderedCopy(b.annotations);
    annotations.keySet().forEach(k -> ConfigNames.require(ConfigNames.labelKeyProblem(k), "annotations:"));
    include = Objects.requireNonNull(b.include, "include");
    volumes = List.copyOf(b.volumes);
    layering = Objects.requireNonNull(b.layering, "layering");
    format = Objects.requireNonNull(b.format, "format");
    certificates = Objects.requireNonNull(b.certificates, "certificates");
  }

  private static Map<String, String> orderedCopy(Map<String, String> m) {
    LinkedHashMap<String, String> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value of " + k)));
    return Collections.unmodifiableMap(copy);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Why {@code key} cannot be a label or annotation key, if it cannot: keys are OCI's reverse-domain names ({@code
   * [A-Za-z0-9][A-Za-z0-9._/-]*}, at most 256 characters). For keys from elsewhere than a config (the command line).
   */
  public static Optional<String> labelKeyProblem(String key) {
    return Optional.ofNullable(ConfigNames.labelKeyProblem(key));
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@code contents}. */
  public ImageContents contents() {
    return contents;
  }

  /** {@code entrypoint}; {@link Entrypoint#NONE} when absent. */
  public Entrypoint entrypoint() {
    return entrypoint;
  }

  /** {@code cmd}: the arguments passed to the entrypoint, as written. */
  public Optional<String> cmd() {
    return cmd;
  }

  /** {@code stop-signal}, e.g. {@code SIGQUIT}. */
  public Optional<String> stopSignal() {
    return stopSignal;
  }

  /** {@code work-dir}: the container's working directory. */
  public Optional<String> workDir() {
    return workDir;
  }

  /** {@code accounts}; {@link Accounts#NONE} when absent. */
  public Accounts accounts() {
    return accounts;
  }

  /** {@code archs}: de-duplicated, sorted by OCI name; empty when the config names none. */
  public List<Arch> archs() {
    return archs;
  }

  /**
   * The archs a build of this config makes, in apko's order: {@code override} (the command line's {@code --arch} or
   * a farm job's archs) when given, else the config's, else every arch apko builds. The one place this rule lives:
   * the CLI, the client shipping files to a farm and the coordinator's lock step all ask here.
   */
  public List<Arch> archsToBuild(List<Arch> override) {
    if (!override.isEmpty()) {
      return Arch.sorted(override);
    }
    return !archs.isEmpty() ? Arch.sorted(archs) : Arch.parseAll(List.of("all"));
  }

  /** {@code environment} as declared (no defaults), in the order written. */
  public Map<String, String> environment() {
    return environment;
  }

  /** {@code paths}, in the order written. */
  public List<PathMutation> paths() {
    return paths;
  }

  /** {@code vcs-url}: {@code URL@REVISION} becomes the image source and revision annotations. */
  public Optional<String> vcsUrl() {
    return vcsUrl;
  }

  /** {@code annotations} for the image manifests and index, in the order written. */
  public Map<String, String> annotations() {
    return annotations;
  }

  /** {@code include} as written in the top-level file (already merged into this config; informational). */
  public Optional<String> include() {
    return include;
  }

  /** {@code volumes}: OCI config volume paths. */
  public List<String> volumes() {
    return volumes;
  }

  /** {@code layering}. */
  public Optional<Layering> layering() {
    return layering;
  }

  /** {@code format}; absent means {@link LayerFormat#TAR}. */
  public Optional<LayerFormat> format() {
    return format;
  }

  /** The layer format with the default applied. */
  public LayerFormat effectiveFormat() {
    return format.orElse(LayerFormat.TAR);
  }

  /** {@code certificates}. */
  public Optional<Certificates> certificates() {
    return certificates;
  }

  /** The OCI config {@code Entrypoint}: see {@link Entrypoint#argv()}. */
  public List<String> entrypointArgv() {
    return entrypoint.argv();
  }

  /** The OCI config {@code Cmd}: {@code cmd} split into words (empty when unset). */
  public List<String> cmdArgv() {
    return cmd.map(ShellWords::split).orElse(List.of());
  }

  /**
   * The container environment: {@link #environment()} plus {@code PATH} and {@code SSL_CERT_FILE} when the config
   * does not set them, sorted by name.
   */
  public Map<String, String> effectiveEnvironment() {
    TreeMap<String, String> env = new TreeMap<>(environment);
    env.putIfAbsent("PATH", DEFAULT_PATH);
    env.putIfAbsent("SSL_CERT_FILE", DEFAULT_SSL_CERT_FILE);
    return Collections.unmodifiableMap(env);
  }

  /**
   * The OCI config {@code Env}: {@code NAME=value} for {@link #effectiveEnvironment()}, sorted as strings as apko
   * sorts them (which can differ from sorting by name: {@code A1=x} sorts before {@code A=x}).
   */
  public List<String> ociEnv() {
    List<String> env = new ArrayList<>();
    effectiveEnvironment().forEach((k, v) -> env.add(k + "=" + v));
    Collections.sort(env);
    return List.copyOf(env);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageConfig other && fields().equals(other.fields());
  }

  @Override
  public int hashCode() {
    return fields().hashCode();
  }

  private List<Object> fields() {
    return List.of(
        contents, entrypoint, cmd, stopSignal, workDir, accounts, archs, environment, paths, vcsUrl, annotations,
        include, volumes, layering, format, certificates);
  }

  @Override
  public String toString() {
    return "ImageConfig{contents=" + contents + ", entrypoint=" + entrypoint + ", cmd=" + cmd + ", stopSignal="
        + stopSignal + ", workDir=" + workDir + ", accounts=" + accounts + ", archs=" + archs + ", environment="
        + environment + ", paths=" + paths + ", vcsUrl=" + vcsUrl + ", annotations=" + annotations + ", include="
        + include + ", volumes=" + volumes + ", layering=" + layering + ", format=" + format + ", certificates="
        + certificates + "}";
  }

  /** Builds an {@link ImageConfig}; every field starts empty. */
  public static final class Builder {
    private ImageContents contents = ImageContents.EMPTY;
    private Entrypoint entrypoint = Entrypoint.NONE;
    private Optional<String> cmd = Optional.empty();
    private Optional<String> stopSignal = Optional.empty();
    private Optional<String> workDir = Optional.empty();
    private Accounts accounts = Accounts.NONE;
    private List<Arch> archs = List.of();
    private Map<String, String> environment = Map.of();
    private List<PathMutation> paths = List.of();
    private Optional<String> vcsUrl = Optional.empty();
    private Map<String, String> annotations = Map.of();
    private Optional<String> include = Optional.empty();
    private List<String> volumes = List.of();
    private Optional<Layering> layering = Optional.empty();
    private Optional<LayerFormat> format = Optional.empty();
    private Optional<Certificates> certificates = Optional.empty();

    private Builder() {}

    private Builder(ImageConfig c) {
      contents = c.contents;
      entrypoint = c.entrypoint;
      cmd = c.cmd;
      stopSignal = c.stopSignal;
      workDir = c.workDir;
      accounts = c.accounts;
      archs = c.archs;
      environment = c.environment;
      paths = c.paths;
      vcsUrl = c.vcsUrl;
      annotations = c.annotations;
      include = c.include;
      volumes = c.volumes;
      layering = c.layering;
      format = c.format;
      certificates = c.certificates;
    }

    public Builder contents(ImageContents contents) {
      this.contents = contents;
      return this;
    }

    public Builder entrypoint(Entrypoint entrypoint) {
      this.entrypoint = entrypoint;
      return this;
    }

    public Builder cmd(Optional<String> cmd) {
      this.cmd = cmd;
      return this;
    }

    public Builder cmd(String cmd) {
      return cmd(Optional.of(cmd));
    }

    public Builder stopSignal(Optional<String> stopSignal) {
      this.stopSignal = stopSignal;
      return this;
    }

    public Builder workDir(Optional<String> workDir) {
      this.workDir = workDir;
      return this;
    }

    public Builder accounts(Accounts accounts) {
      this.accounts = accounts;
      return this;
    }

    /** Sets the archs, de-duplicated and sorted by OCI name. */
    public Builder archs(List<Arch> archs) {
      this.archs = Arch.sorted(archs);
      return this;
    }

    public Builder environment(Map<String, String> environment) {
      this.environment = environment;
      return this;
    }

    public Builder paths(List<PathMutation> paths) {
      this.paths = paths;
      return this;
    }

    public Builder vcsUrl(Optional<String> vcsUrl) {
      this.vcsUrl = vcsUrl;
      return this;
    }

    public Builder annotations(Map<String, String> annotations) {
      this.annotations = annotations;
      return this;
    }

    public Builder include(Optional<String> include) {
      this.include = include;
      return this;
    }

    public Builder volumes(List<String> volumes) {
      this.volumes = volumes;
      return this;
    }

    public Builder layering(Optional<Layering> layering) {
      this.layering = layering;
      return this;
    }

    public Builder format(Optional<LayerFormat> format) {
      this.format = format;
      return this;
    }

    public Builder certificates(Optional<Certificates> certificates) {
      this.certificates = certificates;
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException if {@code cmd} has unbalanced quotes or fields contradict each other (a base
     *     image with fields apko does not allow beside it, layering with erofs, duplicate runtime key names)
     */
    public ImageConfig build() {
      ImageConfig config = buildUnchecked();
      String problem = ConfigRules.crossFieldProblem(config);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      return config;
    }

    /** The config without the cross-field rules, which the loader checks itself to report positions. */
    ImageConfig buildUnchecked() {
      return new ImageConfig(this);
    }
  }
}
