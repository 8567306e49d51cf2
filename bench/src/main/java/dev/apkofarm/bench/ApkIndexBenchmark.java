package dev.apkofarm.bench;

import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.index.IndexReader;
import dev.apkofarm.core.apk.sign.Keyring;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading the real Alpine 3.16 x86_64 APKINDEX.tar.gz (655 KB, 4,929 packages): signature check (RSA/SHA-1 over the
 * compressed index), decompression, tar and text parsing into records. Compare with {@code zcat} of the same file,
 * which scripts/bench-apk times in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class ApkIndexBenchmark {
  private byte[] archive;
  private Keyring keyring;

  @Setup
  public void load() throws Exception {
    archive = Files.readAllBytes(Fixtures.apko("apk/alpine-316/APKINDEX.tar.gz"));
    keyring =
        Keyring.load(List.of(Fixtures.apko("apk/alpine-316/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub")));
  }

  /** Verify the signature and parse: what loading a repository costs once the bytes are here. */
  @Benchmark
  public ApkIndex parseAndVerify() throws Exception {
    return IndexReader.read(archive, "alpine-316", keyring, true);
  }

  /** Parse without the signature check, to separate the two costs. */
  @Benchmark
  public ApkIndex parseOnly() throws Exception {
    return IndexReader.read(archive, "alpine-316", keyring, false);
  }
}
