package dev.apkofarm.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.repo.Fetcher;
import dev.apkofarm.core.apk.repo.PackageStore;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import dev.apkofarm.core.cache.DiskBlobCache;
import dev.apkofarm.core.install.PackageArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorePackageSourceTest {
  @TempDir Path tmp;

  @Test
  void theInstalledSizeIsTheIndexsNotThatOfACachedCopySignedByAnotherKey() throws Exception {
    PackageSpec spec = PackageSpec.builder("pkg", "1.0-r0", "x86_64").buildDate(1_704_067_200L).build();
    PackageContent content = PackageContent.builder().file("etc/pkg", "content\n", 0644).build();
    Path first = tmp.resolve("one/pkg-1.0-r0.apk");
    Path second = tmp.resolve("two/pkg-1.0-r0.apk");
    PackageInfo a = PackageWriter.write(spec, content, Optional.of(SigningKey.generate("a.rsa.pub", 2048)),
        SignatureAlgorithm.RSA_SHA256, first);
    PackageInfo b = PackageWriter.write(spec, content, Optional.of(SigningKey.generate("b-with-a-longer-name.rsa.pub",
        4096)), SignatureAlgorithm.RSA_SHA256, second);
    assertThat(b.checksum()).as("same control section").isEqualTo(a.checksum());
    assertThat(Files.size(second)).isNotEqualTo(Files.size(first));
    PackageStore store = new PackageStore(new Fetcher(Fetcher.Options.defaults(tmp, Optional.empty())),
        new DiskBlobCache(tmp.resolve("cache")), List.of());

    // The cache gets the first copy; the index a later build locks from lists the second.
    try (StorePackageSource earlier = new StorePackageSource(store, tmp.resolve("scratch-1"))) {
      earlier.open(locked(first, a.checksum().orElseThrow()));
    }
    try (StorePackageSource later = new StorePackageSource(store, tmp.resolve("scratch-2"))) {
      PackageArchive installed = later.open(locked(second, b.checksum().orElseThrow()));

      assertThat(installed.meta().size()).isEqualTo(Files.size(second));
    }
  }

  private static LockedPackage locked(Path apk, String checksum) throws Exception {
    return new LockedPackage("pkg", "1.0-r0", "x86_64", apk.getParent().toString(), apk.toString(), checksum,
        Files.size(apk));
  }
}
