package dev.apkofarm.core.apk;

import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A package's metadata, the one description of it whatever it was read from: an APKINDEX record (blank-line separated
 * {@code X:value} lines), a package's {@code .PKGINFO} (see {@code apk.pkg.PkgInfo}) or an installed database record.
 * Index field letters:
 * {@code C} checksum, {@code P} name, {@code V} version, {@code A} arch, {@code S} size, {@code I} installed size,
 * {@code T} description, {@code U} url, {@code L} license, {@code o} origin, {@code m} maintainer, {@code t} build
 * time, {@code c} commit, {@code D} depends, {@code p} provides, {@code i} install_if, {@code k} provider priority,
 * {@code r} replaces, {@code q} replaces priority; {@code .PKGINFO} adds triggers.
 *
 * @param checksum {@code Q1} + base64 of the SHA-1 of the package's control section, when the index has one
 * @param name package name ({@code [A-Za-z0-9_+][A-Za-z0-9_+.-]*}, see {@link PackageNames})
 * @param version version, valid apk syntax (see {@link Version})
 * @param arch apk architecture, e.g. {@code x86_64}
 * @param size size of the .apk file in bytes
 * @param installedSize installed size in bytes
 * @param description one-line description
 * @param url project URL
 * @param license license expression
 * @param origin the source package it was built from
 * @param maintainer maintainer
 * @param buildTime build time in seconds since the epoch
 * @param commit the source repository commit
 * @param depends dependencies, as written
 * @param provides provides, as written
 * @param installIf install_if conditions, one per space-separated token of an index's {@code i:} or of a
 *     {@code .PKGINFO}'s {@code install_if} values (the installed database joins them with spaces again, so a value
 *     with a run of spaces is the one thing recorded differently from apko)
 * @param providerPriority provider priority
 * @param replaces packages whose files this one may overwrite
 * @param replacesPriority replaces priority
 * @param triggers trigger paths ({@code .PKGINFO} {@code triggers}; an index does not list them)
 */
public record PackageInfo(
    Optional<String> checksum,
    String name,
    String version,
    String arch,
    long size,
    long installedSize,
    String description,
    String url,
    String license,
    String origin,
    String maintainer,
    long buildTime,
    String commit,
    List<String> depends,
    List<String> provides,
    List<String> installIf,
    long providerPriority,
    List<String> replaces,
    long replacesPriority,
    List<String> triggers) {

  public PackageInfo {
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(license, "license");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(maintainer, "maintainer");
    Objects.requireNonNull(commit, "commit");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("package without a name");
    }
    PackageNames.require(name, version);
    checksum.ifPresent(PackageInfo::controlSha1Of);
    depends = List.copyOf(depends);
    provides = List.copyOf(provides);
    installIf = List.copyOf(installIf);
    replaces = List.copyOf(replaces);
    triggers = List.copyOf(triggers);
  }

  /** {@code <name>-<version>.apk}, the file name in a repository. */
  public String filename() {
    return name + "-" + version + ".apk";
  }

  /** {@code name-version}, how apk and our messages name a package. */
  public String nameVersion() {
    return name + "-" + version;
  }

  /** The SHA-1 of the control section that {@link #checksum()} encodes. */
  public Optional<byte[]> controlSha1() {
    return checksum.map(PackageInfo::controlSha1Of);
  }

  /** Encodes a control-section SHA-1 as an index checksum, {@code Q1} + base64. */
  public static String checksumOf(byte[] controlSha1) {
    if (controlSha1.length != 20) {
      throw new IllegalArgumentException("a SHA-1 is 20 bytes, got " + controlSha1.length);
    }
    return "Q1" + Base64.getEncoder().encodeToString(controlSha1);
  }

  private static byte[] controlSha1Of(String checksum) {
    if (!checksum.startsWith("Q1")) {
      throw new IllegalArgumentException("unsupported package checksum \"" + checksum + "\" (expected Q1...)");
    }
    byte[] sha1;
    try {
      sha1 = Base64.getDecoder().decode(checksum.substring(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed package checksum \"" + checksum + "\"", e);
    }
    if (sha1.length != 20) {
      throw new IllegalArgumentException("malformed package checksum \"" + checksum + "\" (not a SHA-1)");
    }
    return sha1;
  }

  @Override
  public String toString() {
    return nameVersion() + " (" + arch + ")";
  }

  /** Starts a package description with the two required fields. */
  public static Builder builder(String name, String version) {
    return new Builder(name, version);
  }

  /** Copies this package into a builder. */
  public Builder toBuilder() {
    Builder b = new Builder(name, version);
    b.checksum = checksum;
    b.arch = arch;
    b.size = size;
    b.installedSize = installedSize;
    b.description = description;
    b.url = url;
    b.license = license;
    b.origin = origin;
    b.maintainer = maintainer;
    b.buildTime = buildTime;
    b.commit = commit;
    b.depends = depends;
    b.provides = provides;
    b.installIf = installIf;
    b.providerPriority = providerPriority;
    b.replaces = replaces;
    b.replacesPriority = replacesPriority;
    b.triggers = triggers;
    return b;
  }

  /** Builds a {@link PackageInfo}; every field but name and version is optional. */
  public static final class Builder {
    private Optional<String> checksum = Optional.empty();
    private String name;
    private String version;
    private String arch = "";
    private long size;
    private long installedSize;
    private String description = "";
    private String url = "";
    private String license = "";
    private String origin = "";
    private String maintainer = "";
    private long buildTime;
    private String commit = "";
    private List<String> depends = List.of();
    private List<String> provides = List.of();
    private List<String> installIf = List.of();
    private long providerPriority;
    private List<String> replaces = List.of();
    private long replacesPriority;
    private List<String> triggers = List.of();

    private Builder(String name, String version) {
      this.name = name;
      this.version = version;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder version(String v) {
      version = v;
      return this;
    }

    public Builder checksum(String v) {
      checksum = Optional.of(v);
      return this;
    }

    public Builder arch(String v) {
      arch = v;
      return this;
    }

    public Builder size(long v) {
      size = v;
      return this;
    }

    public Builder installedSize(long v) {
      installedSize = v;
      return this;
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

    public Builder buildTime(long v) {
      buildTime = v;
      return this;
    }

    public Builder commit(String v) {
      commit = v;
      return this;
    }

    public Builder depends(List<String> v) {
      depends = v;
      return this;
    }

    public Builder provides(List<String> v) {
      provides = v;
      return this;
    }

    public Builder installIf(List<String> v) {
      installIf = v;
      return this;
    }

    public Builder providerPriority(long v) {
      providerPriority = v;
      return this;
    }

    public Builder replaces(List<String> v) {
      replaces = v;
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

    public PackageInfo build() {
      return new PackageInfo(
          checksum,
          name,
          version,
          arch,
          size,
          installedSize,
          description,
          url,
          license,
          origin,
          maintainer,
          buildTime,
          commit,
          depends,
          provides,
          installIf,
          providerPriority,
          replaces,
          replacesPriority,
          triggers);
    }
  }
}
