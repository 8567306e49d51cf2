package dev.apkofarm.core.apk.repo;

import dev.apkofarm.core.apk.Dependency;
import dev.apkofarm.core.cache.BlobKey;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.testing.RecordContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The records of core whose equals and hashCode are written out (docs/engineering.md, "Start-up") behave as the
 * records' own would.
 */
class WrittenOutEqualityTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  @Test
  void dependency() {
    RecordContract.check(Dependency.class,
        new Object[] {"so:x=1", false, "so:x", Dependency.Op.EQUAL, Optional.of("1"), Optional.empty()},
        new Object[] {"so:y=1", true, "so:y", Dependency.Op.GREATER, Optional.of("2"), Optional.of("main")});
  }

  @Test
  void fetcherOptionsAndAuth() {
    Fetcher.Auth auth = new Fetcher.Auth("h", "u", "p");
    RecordContract.check(Fetcher.Auth.class, new Object[] {"h", "u", "p"}, new Object[] {"h2", "u2", "p2"});
    RecordContract.check(Fetcher.Options.class,
        new Object[] {Path.of("w"), Optional.empty(), false, Duration.ofSeconds(60), 3, Optional.of(auth)},
        new Object[] {Path.of("v"), Optional.of(Path.of("c")), true, Duration.ofSeconds(5), 1, Optional.empty()});
  }

  @Test
  void indexCacheKey() {
    RecordContract.check(IndexCache.Key.class, new Object[] {"https://r/x86_64/APKINDEX.tar.gz", A, true, 10L},
        new Object[] {"https://s/x86_64/APKINDEX.tar.gz", B, false, 11L});
  }

  @Test
  void digestAndBlobKey() {
    RecordContract.check(Digest.class, new Object[] {"sha256", A}, new Object[] {RecordContract.ONLY, B});
    RecordContract.check(BlobKey.class, new Object[] {"apk:" + A.substring(0, 40)},
        new Object[] {"apk:" + B.substring(0, 40)});
  }
}
