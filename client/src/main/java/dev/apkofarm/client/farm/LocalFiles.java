package dev.apkofarm.client.farm;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.ImageContents;
import dev.apkofarm.core.config.LoadedConfig;
import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The local files a config needs that a farm on another machine cannot read: its includes, local keyring entries
 * and local repositories (per arch: the index and the packages). Each is named by its path as the config writes it,
 * relative to the working directory, and content-addressed, so the coordinator can lay the same tree out again.
 */
public final class LocalFiles {
  private LocalFiles() {}

  /**
   * A file to ship.
   *
   * @param path relative to the working directory, {@code /}-separated
   * @param file where it is here
   * @param digest its sha256, or null for a file left to digest while it is uploaded (see {@link #of(Path, String,
   *     List, Predicate)})
   * @param size its size
   */
  public record Shipped(String path, Path file, String digest, long size) {}

  /** The files {@code config} (at {@code display}, relative to {@code workDir}) refers to, by relative path. */
  public static Map<String, Shipped> of(Path workDir, String display, List<Arch> archOverride)
      throws BadInputException, IOException {
    return of(workDir, display, archOverride, f -> false);
  }

  /**
   * As {@link #of(Path, String, List)}, but a file {@code later} accepts (given its relative path and size) is not
   * digested here: its digest is null.
   */
  public static Map<String, Shipped> of(Path workDir, String display, List<Arch> archOverride,
      Predicate<Shipped> later) throws BadInputException, IOException {
    LoadedConfig loaded = new ConfigLoader(workDir).load(display);
    Map<String, Shipped> out = new TreeMap<>();
    List<LoadedConfig.Source> sources = loaded.sources();
    for (LoadedConfig.Source s : sources.subList(1, sources.size())) {
      add(out, workDir, display, later, s.path());
    }
    ImageContents c = loaded.config().contents();
    for (String key : c.keyring()) {
      if (!Fetcher.isRemote(key)) {
        add(out, workDir, display, later, local(workDir, key));
      }
    }
    List<Arch> archs = loaded.config().archsToBuild(archOverride);
    List<String> repos = new ArrayList<>(c.repositories());
    repos.addAll(c.buildRepositories());
    for (String entry : repos) {
      Repository repo = Repository.parse(entry);
      if (repo.isRemote()) {
        continue;
      }
      Path root = local(workDir, repo.url());
      for (Arch a : archs) {
        Path dir = root.resolve(a.apkName());
        if (!Files.isDirectory(dir)) {
          continue; // the lock step reports a missing index, naming the repository
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
          for (Path f : ds) {
            String n = f.getFileName().toString();
            if (Files.isRegularFile(f) && (n.equals("APKINDEX.tar.gz") || n.endsWith(".apk"))) {
              add(out, workDir, display, later, f);
            }
          }
        }
      }
    }
    return out;
  }

  private static Path local(Path workDir, String location) {
    if (location.startsWith("file://")) {
      return Path.of(java.net.URI.create(location));
    }
    return workDir.resolve(location).normalize();
  }

  private static void add(Map<String, Shipped> out, Path workDir, String config, Predicate<Shipped> later, Path file)
      throws BadInputException, IOException {
    Path abs = file.toAbsolutePath().normalize();
    if (!abs.startsWith(workDir)) {
      throw new BadInputException(config + ": " + file + " is outside the working directory " + workDir
          + "; a farm on another machine is sent only files under it (run from, or -C, a directory that holds it)");
    }
    if (!Files.isRegularFile(abs)) {
      return; // the lock step names what is missing
    }
    String rel = workDir.relativize(abs).toString().replace('\\', '/');
    if (out.containsKey(rel)) {
      return;
    }
    Shipped undigested = new Shipped(rel, abs, null, Files.size(abs));
    if (later.test(undigested)) {
      out.put(rel, undigested);
      return;
    }
    MessageDigest sha = Digest.newSha256();
    long size = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(abs)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
        size += n;
      }
    }
    out.put(rel, new Shipped(rel, abs, Digest.sha256(sha.digest()).toString(), size));
  }
}
