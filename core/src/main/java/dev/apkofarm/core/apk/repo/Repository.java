package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.index.IndexWriter;
import java.util.Objects;
import java.util.Optional;

/**
 * A repository as a config lists it: a URL ({@code https://...}, {@code file://...}) or a local path, optionally
 * pinned by a tag ({@code @edge https://...}). Its index for an arch is {@code <url>/<arch>/APKINDEX.tar.gz} and a
 * package {@code <url>/<arch>/<name>-<version>.apk}. Packages of a tagged repository are used only for world entries
 * carrying that tag ({@code name@edge}) and their dependencies.
 *
 * @param tag the pin tag, without {@code @}
 * @param url the location exactly as written, without a trailing slash
 */
public record Repository(Optional<String> tag, String url) {
  public Repository {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(url, "url");
    while (url.endsWith("/") && url.length() > 1) {
      url = url.substring(0, url.length() - 1);
    }
    if (url.isEmpty()) {
      throw new IllegalArgumentException("empty repository location");
    }
    tag.ifPresent(
        t -> {
          if (t.isEmpty() || !t.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128)) {
            throw new IllegalArgumentException("invalid repository tag \"@" + t + "\"");
          }
        });
  }

  /**
   * Parses a config entry: {@code URL} or {@code @tag URL}.
   *
   * @throws IllegalArgumentException naming the entry when it is malformed
   */
  public static Repository parse(String entry) {
    String s = entry.trim();
    if (s.startsWith("@")) {
      String[] parts = s.split("\\s+");
      if (parts.length != 2) {
        throw new IllegalArgumentException("invalid repository \"" + entry + "\": expected \"@tag URL\"");
      }
      return new Repository(Optional.of(parts[0].substring(1)), parts[1]);
    }
    if (s.isEmpty() || s.contains(" ")) {
      throw new IllegalArgumentException("invalid repository \"" + entry + "\"");
    }
    return new Repository(Optional.empty(), s);
  }

  /** Whether the location is fetched over HTTP(S) rather than read from the file system. */
  public boolean isRemote() {
    return Fetcher.isRemote(url);
  }

  /** {@code <url>/<arch>}: the arch directory, which apk calls the repository URI. */
  public String archUrl(String apkArch) {
    return url + "/" + apkArch;
  }

  /** {@code <url>/<arch>/APKINDEX.tar.gz}. */
  public String indexUrl(String apkArch) {
    return archUrl(apkArch) + "/" + IndexWriter.INDEX_FILE;
  }

  /** {@code <url>/<arch>/<name>-<version>.apk}. */
  public String packageUrl(String apkArch, PackageInfo pkg) {
    return archUrl(apkArch) + "/" + pkg.filename();
  }

  /** The entry as written in a config: {@code @tag URL} or {@code URL}. */
  @Override
  public String toString() {
    return tag.map(t -> "@" + t + " " + url).orElse(url);
  }
}
