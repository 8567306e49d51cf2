package dev.apkofarm.bench;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.install.ApkDatabase;
import dev.apkofarm.core.install.ControlEntry;
import dev.apkofarm.core.install.DataEntry;
import dev.apkofarm.core.install.Installer;
import dev.apkofarm.core.install.PackageArchive;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Installing a package of nested directories N levels deep (d, d/d, d/d/d, ..., a file in each) into a tree and
 * writing its installed record (issue 14, problem 2). The package's paths add up to N^2 characters, so work linear in
 * them makes each doubling of N cost about 4x; the cubic path resolution this replaced cost 8x (1,000 levels: 16 s,
 * 2,000: 113 s). scripts/bench-apk prints the ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class DeepTreeBenchmark {
  @Param({"500", "1000", "2000"})
  public int depth;

  private PackageArchive archive;

  @Setup
  public void build() {
    List<DataEntry> entries = new ArrayList<>();
    StringBuilder path = new StringBuilder("d");
    for (int i = 0; i < depth; i++) {
      entries.add(entry(path.toString(), DataEntry.Kind.DIRECTORY, Optional.empty()));
      path.append("/d");
    }
    path.setLength(1);
    for (int i = 0; i < depth; i++) {
      entries.add(entry(path + "/f", DataEntry.Kind.FILE, Optional.of(ContentRef.empty())));
      path.append("/d");
    }
    PackageInfo meta =
        PackageInfo.builder("deep", "1.0-r0").arch("x86_64").license("MIT").description("deep").origin("deep")
            .checksum(PackageInfo.checksumOf(new byte[20])).build();
    List<DataEntry> data = List.copyOf(entries);
    archive = new PackageArchive() {
      @Override
      public PackageInfo meta() {
        return meta;
      }

      @Override
      public List<ControlEntry> controlEntries() {
        return List.of();
      }

      @Override
      public List<DataEntry> dataEntries() {
        return data;
      }
    };
  }

  private static DataEntry entry(String name, DataEntry.Kind kind, Optional<ContentRef> content) {
    return new DataEntry(name, kind, kind == DataEntry.Kind.DIRECTORY ? 0755 : 0644, 0, 0, 0, "",
        Collections.emptySortedMap(), Optional.of(new byte[20]), content);
  }

  @Benchmark
  public Object installDeepPackage() throws Exception {
    ImageTree tree = new ImageTree();
    ApkDatabase.init(tree, "x86_64");
    Installer installer = new Installer(tree, 0);
    installer.install(archive);
    return installer.finish();
  }
}
