package dev.apkofarm.core.apk.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.PackageNames;
import dev.apkofarm.core.apk.pkg.ApkLayout;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.oci.json.GoJsonWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * apko's lock file ({@code version: v1}): the config it was made from (name and checksum), the keyring with each
 * key's content, the repositories per arch, and every package per arch in install order with its URL and the byte
 * ranges and checksums of its signature, control and data sections. {@link #toJson()} writes exactly the bytes
 * apko writes (Go's indented JSON, HTML-safe escaping, trailing newline).
 *
 * @param version {@code v1}
 * @param config what the lock was made from (absent in old locks)
 * @param contents keys, repositories, packages
 */
public record LockFile(String version, Optional<Config> config, Contents contents) {
  public LockFile {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(contents, "contents");
  }

  /**
   * The config a lock was made from.
   *
   * @param name the config path as given to {@code lock}
   * @param checksum {@code sha256-<base64>} over the config and its includes
   */
  public record Config(String name, String checksum) {}

  /** Everything locked. */
  public record Contents(
      List<Key> keyring,
      List<Repo> buildRepositories,
      List<Repo> runtimeRepositories,
      List<Repo> repositories,
      List<Pkg> packages) {
    public Contents {
      keyring = List.copyOf(keyring);
      buildRepositories = List.copyOf(buildRepositories);
      runtimeRepositories = List.copyOf(runtimeRepositories);
      repositories = List.copyOf(repositories);
      packages = List.copyOf(packages);
    }
  }

  /** A key: where it came from and its content (empty content is omitted). */
  public record Key(String name, String url, String content) {}

  /** A repository for one arch: {@code name} is its arch URL without scheme, {@code url} its index URL. */
  public record Repo(String name, String url, String architecture) {}

  /** A section of a package: {@code bytes=a-b} and {@code sha1-...}/{@code sha256-...}. */
  public record Section(String range, String checksum) {
    static final Section NONE = new Section("", "");

    static Section of(ApkLayout.Section s) {
      return new Section(s.range(), s.checksum());
    }
  }

  /**
   * A locked package.
   *
   * @param checksum the index checksum ({@code Q1...})
   */
  public record Pkg(
      String name,
      String url,
      String version,
      String architecture,
      Section signature,
      Section control,
      Section data,
      String checksum) {

    /**
     * The package as far as the lock describes it (name, version, arch, checksum): enough for
     * {@link PackageStore#get(PackageInfo, String)} to fetch and verify it from {@link #url()}.
     *
     * @throws BadInputException when the lock entry has no usable checksum
     */
    public PackageInfo toPackageInfo() throws BadInputException {
      try {
        return PackageInfo.builder(name, version).arch(architecture).checksum(checksum).build();
      } catch (IllegalArgumentException e) {
        throw new BadInputException(
            "locked package " + InputText.quote(name + "-" + version) + ": " + e.getMessage(), e);
      }
    }

    /** {@code name=version}, the world entry that installs exactly this package. */
    public String constraint() {
      return name + "=" + version;
    }
  }

  /** The locked packages of one apk arch, in install order. */
  public List<Pkg> packages(String apkArch) {
    return contents.packages.stream().filter(p -> p.architecture().equals(apkArch)).toList();
  }

  /** The archs (apk names) with locked packages, in lock order. */
  public List<String> architectures() {
    return contents.packages.stream().map(Pkg::architecture).distinct().toList();
  }

  /**
   * Fails unless this lock was made from a config with {@code checksum}.
   *
   * @throws BadInputException naming the lock file and the config when they differ
   */
  public void requireConfigChecksum(String lockName, String configName, String checksum) throws BadInputException {
    String locked = config.map(Config::checksum).orElse("");
    if (!locked.equals(checksum)) {
      throw new BadInputException(
          "lock file " + lockName + " does not match config " + configName + ": it was made from a config with checksum "
              + (locked.isEmpty() ? "(none)" : locked) + ", the config now has " + checksum + "; run lock again");
    }
  }

  /** apko's exact bytes. */
  public byte[] toJson() {
    GoJsonWriter w = GoJsonWriter.indented("  ");
    w.beginObject().field("version", version);
    config.ifPresent(
        c -> w.name("config").beginObject().fieldOmitEmpty("name", c.name()).fieldOmitEmpty("checksum", c.checksum())
            .endObject());
    w.name("contents").beginObject();
    w.name("keyring").beginArray();
    for (Key k : contents.keyring) {
      w.beginObject().field("name", k.name()).field("url", k.url()).fieldOmitEmpty("content", k.content()).endObject();
    }
    w.endArray();
    writeRepos(w, "build_repositories", contents.buildRepositories);
    writeRepos(w, "runtime_repositories", contents.runtimeRepositories);
    writeRepos(w, "repositories", contents.repositories);
    w.name("packages").beginArray();
    for (Pkg p : contents.packages) {
      w.beginObject()
          .field("name", p.name())
          .field("url", p.url())
          .field("version", p.version())
          .field("architecture", p.architecture());
      writeSection(w, "signature", p.signature());
      writeSection(w, "control", p.control());
      writeSection(w, "data", p.data());
      w.field("checksum", p.checksum()).endObject();
    }
    w.endArray();
    return w.endObject().endObject().toEncoderBytes();
  }

  private static void writeRepos(GoJsonWriter w, String name, List<Repo> repos) {
    w.name(name).beginArray();
    for (Repo r : repos) {
      w.beginObject().field("name", r.name()).field("url", r.url()).field("architecture", r.architecture()).endObject();
    }
    w.endArray();
  }

  private static void writeSection(GoJsonWriter w, String name, Section s) {
    w.name(name).beginObject().field("range", s.range()).field("checksum", s.checksum()).endObject();
  }

  /** Writes the lock atomically (temp name, then rename). */
  public void write(Path file) throws IOException {
    AtomicFile.write(file, toJson());
  }

  /**
   * Reads a lock file.
   *
   * @throws BadInputException naming the file when it is missing or not a v1 lock
   */
  public static LockFile read(Path file) throws BadInputException, IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BadInputException("lock file " + file + " does not exist");
    }
    return parse(bytes, file.toString());
  }

  /** Parses lock file bytes; {@code what} names them in errors. */
  public static LockFile parse(byte[] bytes, String what) throws BadInputException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(bytes);
    } catch (IOException e) {
      throw new BadInputException("lock file " + what + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new BadInputException("lock file " + what + " is not a JSON object");
    }
    String version = root.path("version").asText("");
    if (!version.equals("v1")) {
      throw new BadInputException("lock file " + what + " has version \"" + version + "\"; only v1 is supported");
    }
    Optional<Config> config =
        root.has("config") && root.get("config").isObject()
            ? Optional.of(new Config(root.get("config").path("name").asText(""), root.get("config").path("checksum").asText("")))
            : Optional.empty();
    JsonNode c = root.path("contents");
    List<Key> keys = new ArrayList<>();
    for (JsonNode k : c.path("keyring")) {
      keys.add(new Key(k.path("name").asText(""), k.path("url").asText(""), k.path("content").asText("")));
    }
    List<Pkg> pkgs = new ArrayList<>();
    for (JsonNode p : c.path("packages")) {
      String name = p.path("name").asText("");
      if (name.isEmpty() || p.path("version").asText("").isEmpty() || p.path("architecture").asText("").isEmpty()) {
        throw new BadInputException("lock file " + what + " has a package without name, version or architecture");
      }
      String problem = PackageNames.nameProblem(name);
      if (problem == null) {
        problem = PackageNames.versionProblem(p.path("version").asText(""));
      }
      if (problem == null && InputText.hasUnsafe(p.path("architecture").asText(""))) {
        problem = "architecture " + InputText.quote(p.path("architecture").asText("")) + " is invalid";
      }
      if (problem != null) {
        throw new BadInputException("lock file " + what + ": " + problem);
      }
      pkgs.add(
          new Pkg(
              name,
              p.path("url").asText(""),
              p.path("version").asText(""),
              p.path("architecture").asText(""),
              readSection(p.path("signature")),
              readSection(p.path("control")),
              readSection(p.path("data")),
              p.path("checksum").asText("")));
    }
    return new LockFile(
        version,
        config,
        new Contents(
            keys, readRepos(c.path("build_repositories")), readRepos(c.path("runtime_repositories")),
            readRepos(c.path("repositories")), pkgs));
  }

  private static Section readSection(JsonNode n) {
    return new Section(n.path("range").asText(""), n.path("checksum").asText(""));
  }

  private static List<Repo> readRepos(JsonNode n) {
    List<Repo> out = new ArrayList<>();
    for (JsonNode r : n) {
      out.add(new Repo(r.path("name").asText(""), r.path("url").asText(""), r.path("architecture").asText("")));
    }
    return out;
  }
}
