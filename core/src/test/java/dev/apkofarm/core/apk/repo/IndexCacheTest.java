package dev.apkofarm.core.apk.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.apk.Limits;
import dev.apkofarm.core.apk.index.IndexVerificationException;
import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexes kept between locks: an unchanged repository costs one conditional fetch (a 304 over HTTP, an equal digest
 * for a local file) and no parse; a changed one is read again; a kept index is never reused under another keyring.
 */
class IndexCacheTest {
  private static final SigningKey KEY = SigningKey.generate("cache-test.rsa.pub", 2048);
  private static final SigningKey OTHER = SigningKey.generate("other.rsa.pub", 2048);

  @TempDir Path dir;

  /** A one-package signed repository at {@code root} (x86_64) offering {@code version} of "cached". */
  private static void writeRepository(Path root, String version) throws Exception {
    Path arch = Files.createDirectories(root.resolve("x86_64"));
    try (var old = Files.newDirectoryStream(arch, "*.apk")) {
      for (Path p : old) {
        Files.delete(p);
      }
    }
    PackageSpec spec = PackageSpec.builder("cached", version, "x86_64").buildDate(1_700_000_000L).build();
    PackageWriter.write(spec, PackageContent.builder().file("usr/share/cached", version, 0644).build(),
        Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, arch.resolve(spec.name() + "-" + version + ".apk"));
    IndexWriter.writeDirectory(arch, Optional.of(KEY), SignatureAlgorithm.RSA_SHA256, "cache test " + version);
  }

  private Repositories repositories(IndexCache cache) {
    Fetcher f = new Fetcher(
        new Fetcher.Options(dir, Optional.of(dir.resolve("cache")), false, Duration.ofSeconds(10), 1, Optional.empty()));
    return new Repositories(f, Limits.DEFAULTS, Optional.of(cache));
  }

  private static Keyring keyring(SigningKey key) throws Exception {
    return Keyring.of(List.of(Keyring.Key.parse(key.name(), key.publicKey().pem().getBytes(StandardCharsets.US_ASCII))));
  }

  private static String version(List<RepositoryIndex> indexes) {
    return indexes.get(0).index().packages().get(0).version();
  }

  @Test
  void anUnchangedRemoteIndexCostsOneConditionalRequestAndNoParse() throws Exception {
    Path root = dir.resolve("served");
    writeRepository(root, "1.0-r0");
    try (RepositoryServer server = new RepositoryServer(root)) {
      IndexCache cache = new IndexCache(8);
      Repository repo = Repository.parse(server.url());

      List<RepositoryIndex> first = repositories(cache).loadIndexes(List.of(repo), "x86_64", keyring(KEY), true);
      List<RepositoryIndex> again = repositories(cache).loadIndexes(List.of(repo), "x86_64", keyring(KEY), true);

      assertThat(server.requests).containsExactly("GET /x86_64/APKINDEX.tar.gz", "GET /x86_64/APKINDEX.tar.gz (etag)");
      assertThat(again.get(0).index()).as("the kept index, not a new parse").isSameAs(first.get(0).index());
      assertThat(cache.stats()).isEqualTo(new IndexCache.Stats(1, 1));

      writeRepository(root, "1.1-r0");
      List<RepositoryIndex> changed = repositories(cache).loadIndexes(List.of(repo), "x86_64", keyring(KEY), true);
      assertThat(version(changed)).isEqualTo("1.1-r0");
      assertThat(server.requests).hasSize(3);
      assertThat(cache.stats()).isEqualTo(new IndexCache.Stats(1, 2));
    }
  }

  @Test
  void aLocalIndexIsComparedByDigestAndReadAgainOnlyWhenItChanged() throws Exception {
    Path root = dir.resolve("local");
    writeRepository(root, "1.0-r0");
    IndexCache cache = new IndexCache(8);
    Repository repo = Repository.parse(root.toString());

    List<RepositoryIndex> first = repositories(cache).loadIndexes(List.of(repo), "x86_64", keyring(KEY), true);
    List<RepositoryIndex> again = repositories(cache).loadIndexes(List.of(repo), "x86_64", keyring(KEY), true);
    assertThat(again.get(0).index()).isSameAs(first.get(0).index());

    writeRepository(root, "2.0-r0");
    assertThat(version(repositories(cache).loadIndexes(List.of(repo), "x86_64", keyring(KEY), true)))
        .isEqualTo("2.0-r0");
    assertThat(cache.stats()).isEqualTo(new IndexCache.Stats(1, 2));
  }

  @Test
  void aKeptIndexIsNeverTrustedUnderAnotherKeyring() throws Exception {
    Path root = dir.resolve("keys");
    writeRepository(root, "1.0-r0");
    IndexCache cache = new IndexCache(8);
    Repository repo = Repository.parse(root.toString());
    repositories(cache).loadIndexes(List.of(repo), "x86_64", keyring(KEY), true);

    assertThatThrownBy(() -> repositories(cache).loadIndexes(List.of(repo), "x86_64", keyring(OTHER), true))
        .isInstanceOf(IndexVerificationException.class);
    assertThat(cache.stats().hits()).isZero();
  }

  @Test
  void fetchIfChangedAnswersUnchangedOnlyToTheCurrentValidator() throws Exception {
    Path file = dir.resolve("resource");
    Files.writeString(file, "one");
    Fetcher f = new Fetcher(Fetcher.Options.defaults(dir, Optional.empty()));

    var first = (Fetcher.Revalidated.Changed) f.fetchIfChanged("resource", 100, Optional.empty());
    assertThat(first.bytes()).asString().isEqualTo("one");
    assertThat(f.fetchIfChanged("resource", 100, first.validator())).isInstanceOf(Fetcher.Revalidated.Unchanged.class);
    assertThat(f.fetchIfChanged("resource", 100, Optional.of("\"an-etag\"")))
        .isInstanceOf(Fetcher.Revalidated.Changed.class);

    Files.writeString(file, "two");
    var second = (Fetcher.Revalidated.Changed) f.fetchIfChanged("resource", 100, first.validator());
    assertThat(second.bytes()).asString().isEqualTo("two");
    assertThat(second.validator()).isNotEqualTo(first.validator());
  }
}
