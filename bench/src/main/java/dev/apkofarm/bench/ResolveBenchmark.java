package dev.apkofarm.bench;

import dev.apkofarm.core.apk.index.ApkIndex;
import dev.apkofarm.core.apk.index.IndexReader;
import dev.apkofarm.core.apk.repo.Repository;
import dev.apkofarm.core.apk.repo.RepositoryIndex;
import dev.apkofarm.core.apk.resolve.Resolution;
import dev.apkofarm.core.apk.resolve.Resolver;
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

/** Resolving {@code build-base} (and a larger world) against the Alpine 3.16 x86_64 index. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class ResolveBenchmark {
  private List<RepositoryIndex> indexes;
  private Resolver resolver;

  @Setup
  public void load() throws Exception {
    byte[] archive = Files.readAllBytes(Fixtures.apko("apk/alpine-316/APKINDEX.tar.gz"));
    ApkIndex index = IndexReader.read(archive, "alpine-316", Keyring.empty(), false);
    indexes = List.of(new RepositoryIndex(Repository.parse("https://dl-cdn.alpinelinux.org/alpine/v3.16/main"), "x86_64", index));
    resolver = new Resolver("x86_64", indexes);
  }

  /** One resolution of build-base with the resolver's tables already built (they are built once per index set). */
  @Benchmark
  public Resolution resolveBuildBase() throws Exception {
    return resolver.resolve(List.of("build-base"));
  }

  /** Building the resolver's tables for the index (parsing every dependency) plus the resolution. */
  @Benchmark
  public Resolution buildResolverAndResolveBuildBase() throws Exception {
    return new Resolver("x86_64", indexes).resolve(List.of("build-base"));
  }

  /** Fifty requested packages, a developer image's worth (issue 17's larger case). */
  static final List<String> FIFTY =
      List.of(
          "alpine-base", "bash", "build-base", "busybox", "bzip2", "ca-certificates", "cmake", "coreutils", "curl",
          "diffutils", "e2fsprogs", "file", "findutils", "gawk", "git", "gnupg", "grep", "gzip", "htop", "iproute2",
          "iptables", "jq", "less", "libc-utils", "linux-headers", "lsof", "lua5.4", "make", "mariadb-client",
          "musl-dev", "nano", "ncurses", "nginx", "nodejs", "openrc", "openssh", "openssl", "patch", "perl",
          "postgresql14-client", "procps", "python3", "rsync", "sqlite", "strace", "tcpdump", "tmux", "tzdata",
          "vim", "zstd");

  /** Resolving {@link #FIFTY} (install_if across the world and the final check see the most here). */
  @Benchmark
  public Resolution resolveFiftyPackages() throws Exception {
    return resolver.resolve(FIFTY);
  }

  /** A larger world: alpine-base, build-base, nginx and python3 together. */
  @Benchmark
  public Resolution resolveFourWorlds() throws Exception {
    return resolver.resolve(List.of("alpine-base", "build-base", "nginx", "python3"));
  }
}
