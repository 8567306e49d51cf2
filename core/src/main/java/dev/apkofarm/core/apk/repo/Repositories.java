package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.index.IndexReader;
import dev.apkofarm.core.apk.sign.Keyring;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads keyrings and repository indexes through a {@link Fetcher}: keys from paths or URLs (named by their file
 * name, as apk installs them into {@code /etc/apk/keys}), and the signed index of every repository for an arch,
 * fetched in parallel and verified against the keyring.
 */
public final class Repositories {
  // Looked up when something is logged, not when the class loads: slf4j's first logger reads its settings from the
  // class path, which opens the fat jar, 10 ms of a CLI run that logs nothing (issue 11).
  private static Logger log() {
    return LoggerFactory.getLogger(Repositories.class);
  }
  /** Keys are a few hundred bytes; anything big is not a key. */
  private static final long MAX_KEY = 1 << 20;
  /** Compressed index ceiling (the decompressed one is {@link IndexReader#DEFAULT_MAX_DECOMPRESSED}). */
  private static final long MAX_INDEX = 256L << 20;

  private final Fetcher fetcher;
  private final Limits limits;
  private final KeyDiscovery discovery;
  /** Discovered keys per {@code repository arch}: discovery costs requests, and lock and build both ask. */
  private final java.util.concurrent.ConcurrentHashMap<String, List<KeyDiscovery.Key>> discovered =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Optional<IndexCache> indexes;

  /** Repositories read through {@code fetcher}, discovering keys from Alpine's and Chainguard's usual places. */
  public Repositories(Fetcher fetcher) {
    this(fetcher, Limits.DEFAULTS);
  }

  /** Repositories read within {@code limits} ({@code --max-apkindex-decompressed-size}). */
  public Repositories(Fetcher fetcher, Limits limits) {
    this(fetcher, limits, new KeyDiscovery(fetcher, KeyDiscovery.ALPINE_RELEASES, java.time.Clock.systemUTC()));
  }

  /** Repositories discovering keys through {@code discovery} (tests serve their own Alpine releases). */
  public Repositories(Fetcher fetcher, KeyDiscovery discovery) {
    this(fetcher, Limits.DEFAULTS, discovery);
  }

  public Repositories(Fetcher fetcher, Limits limits, KeyDiscovery discovery) {
    this(fetcher, limits, discovery, Optional.empty());
  }

  /**
   * Repositories whose indexes are kept in {@code indexes} between uses, revalidated with a conditional fetch each
   * time (a long-lived process shares one cache across the {@code Repositories} of its locks).
   */
  public Repositories(Fetcher fetcher, Limits limits, Optional<IndexCache> indexes) {
    this(fetcher, limits, new KeyDiscovery(fetcher, KeyDiscovery.ALPINE_RELEASES, java.time.Clock.systemUTC()), indexes);
  }

  private Repositories(Fetcher fetcher, Limits limits, KeyDiscovery discovery, Optional<IndexCache> indexes) {
    this.fetcher = fetcher;
    this.limits = limits;
    this.discovery = discovery;
    this.indexes = indexes;
  }

  /**
   * The keys discovered for these repository entries and apk archs (apko's key discovery, see {@link KeyDiscovery}),
   * one per URL, sorted by URL. Local repositories have none.
   */
  public List<KeyDiscovery.Key> discoverKeys(java.util.Collection<String> entries, java.util.Collection<String> apkArchs)
      throws BadInputException, IOException {
    java.util.TreeMap<String, KeyDiscovery.Key> byUrl = new java.util.TreeMap<>();
    for (String entry : new java.util.TreeSet<>(entries)) {
      for (String arch : new java.util.TreeSet<>(apkArchs)) {
        String cacheKey = entry + " " + arch;
        List<KeyDiscovery.Key> keys = discovered.get(cacheKey);
        if (keys == null) {
          keys = List.copyOf(discovery.discover(entry, arch));
          discovered.put(cacheKey, keys);
        }
        keys.forEach(k -> byUrl.putIfAbsent(k.url(), k));
      }
    }
    return List.copyOf(byUrl.values());
  }

  public Fetcher fetcher() {
    return fetcher;
  }

  /**
   * Loads keys listed as in a config's {@code contents.keyring}: local paths (relative to the working directory),
   * {@code file://} or {@code http(s)://} URLs.
   *
   * @throws BadInputException naming the key that is missing or not an RSA public key
   */
  public Keyring loadKeyring(List<String> entries) throws BadInputException, IOException {
    List<Keyring.Key> keys = new ArrayList<>();
    for (String entry : entries) {
      keys.add(Keyring.Key.parse(keyName(entry), keyBytes(entry)));
    }
    return Keyring.of(keys);
  }

  /** The raw bytes of a key entry (what a lock file embeds). */
  public byte[] keyBytes(String entry) throws BadInputException, IOException {
    try {
      return fetcher.fetchBytes(entry, MAX_KEY);
    } catch (FetchException e) {
      if (e.notFound()) {
        throw new BadInputException("key " + entry + " does not exist (contents.keyring)");
      }
      throw e;
    }
  }

  /** The name apk gives a key: the last path segment of its location (of a URL, unescaped, as apko reads it). */
  public static String keyName(String entry) {
    String s = entry;
    int q = s.indexOf('?');
    if (q >= 0 && Fetcher.isRemote(s)) {
      s = s.substring(0, q);
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    String name = s.substring(s.lastIndexOf('/') + 1);
    if (Fetcher.isRemote(entry) && name.contains("%")) {
      try {
        name = java.net.URLDecoder.decode(name.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        // not valid escaping: keep the name as written
      }
    }
    return name;
  }

  /**
   * Fetches and verifies the index of each repository for {@code arch}, in parallel, keeping repository order. A
   * local repository that does not exist, or has no index for the arch, is skipped with a warning (as apko does: a
   * config may list repositories only some machines or archs have); a remote one that cannot be fetched fails,
   * naming its URL.
   *
   * @param verify false only for an explicit {@code --ignore-signatures}
   */
  public List<RepositoryIndex> loadIndexes(List<Repository> repositories, String arch, Keyring keyring, boolean verify)
      throws BadInputException, IOException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, repositories.size())));
    try {
      List<CompletableFuture<RepositoryIndex>> futures = new ArrayList<>();
      for (Repository repo : repositories) {
        futures.add(CompletableFuture.supplyAsync(() -> loadOne(repo, arch, keyring, verify), pool));
      }
      List<RepositoryIndex> out = new ArrayList<>();
      for (CompletableFuture<RepositoryIndex> f : futures) {
        RepositoryIndex idx;
        try {
          idx = f.join();
        } catch (CompletionException e) {
          Throwable cause = e.getCause() instanceof Wrapped w ? w.getCause() : e.getCause();
          if (cause instanceof BadInputException b) {
            throw b;
          }
          if (cause instanceof IOException io) {
            throw io;
          }
          throw e;
        }
        if (idx != null) {
          out.add(idx);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Fetches, verifies and parses one index; null for a missing local index. */
  public RepositoryIndex loadOne(Repository repo, String arch, Keyring keyring, boolean verify) {
    String url = repo.indexUrl(arch);
    try {
      Optional<IndexCache.Key> key = indexes.map(
          c -> IndexCache.Key.of(url, keyring, verify, limits.maxApkIndexDecompressedSize()));
      Optional<IndexCache.Entry> kept = key.flatMap(k -> indexes.get().get(k));
      Fetcher.Revalidated fetched;
      try {
        fetched = fetcher.fetchIfChanged(url, MAX_INDEX, kept.map(IndexCache.Entry::validator));
      } catch (FetchException e) {
        if (e.notFound() && !repo.isRemote() && !java.nio.file.Files.isDirectory(fetcher.localPath(repo.url()))) {
          // apko warns and goes on without it (a config shared by machines that lack some local repositories)
          log().warn("repository {} does not exist ({}); going on without it", repo.url(),
              fetcher.localPath(repo.url()));
          return null;
        }
        if (e.notFound() && !repo.isRemote()) {
          log().warn("repository {} has no index for {} ({}); skipping it", repo.url(), arch, url);
          return null;
        }
        throw new FetchException("cannot read repository index " + Fetcher.redact(url) + ": " + e.getMessage(), e);
      }
      if (fetched instanceof Fetcher.Revalidated.Unchanged) { // only ever the answer to the kept entry's validator
        indexes.orElseThrow().hit();
        return new RepositoryIndex(repo, arch, kept.orElseThrow().index());
      }
      Fetcher.Revalidated.Changed changed = (Fetcher.Revalidated.Changed) fetched;
      ApkIndex index = IndexReader.read(changed.bytes(), Fetcher.redact(url), keyring, verify,
          limits.maxApkIndexDecompressedSize());
      if (key.isPresent()) {
        indexes.get().put(key.get(), changed.validator().map(v -> new IndexCache.Entry(v, index)));
      }
      return new RepositoryIndex(repo, arch, index);
    } catch (BadInputException | IOException e) {
      throw new Wrapped(e);
    }
  }

  /** Carries checked exceptions out of the parallel loads. */
  private static final class Wrapped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Wrapped(Exception cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
