package dev.apkofarm.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.testing.ExternalTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LdSoCacheTest {
  private static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
  private static final Path LIBZ = Path.of("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13");

  @TempDir Path dir;

  private static void put(ImageTree tree, String path, Path real) throws Exception {
    tree.put(path, new RegularFile(0755, 0, ContentRef.slice(real, 0, Files.size(real))));
  }

  @Test
  void readsSonamesFromElfSharedObjects() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(LIBC), "needs the host's x86-64 libc to parse");

    var info = ElfInfo.read(ContentRef.slice(LIBC, 0, Files.size(LIBC))).orElseThrow();

    assertThat(info.machine()).isEqualTo(ElfInfo.EM_X86_64);
    assertThat(info.sonames()).containsExactly("libc.so.6");
    assertThat(ElfInfo.read(ContentRef.inline("GROUP ( libc.so.6 )".getBytes(StandardCharsets.UTF_8)))).isEmpty();
  }

  @Test
  void writesACacheGlibcsLdconfigCanRead() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.exists(LIBC) && Files.exists(LIBZ) && Files.isExecutable(Path.of("/sbin/ldconfig")),
        "needs the host's x86-64 libc, zlib and ldconfig");
    ImageTree tree = new ImageTree();
    tree.mkdirAll("etc/ld.so.conf.d", 0755);
    tree.mkdirAll("lib", 0755);
    tree.mkdirAll("usr/lib", 0755);
    tree.mkdirAll("opt/app/lib", 0755);
    tree.writeFile("etc/ld.so.conf", "# comment\ninclude /etc/ld.so.conf.d/*.conf\n/ignored/after/include\n"
        .getBytes(StandardCharsets.UTF_8), 0644);
    tree.writeFile("etc/ld.so.conf.d/app.conf", "/opt/app/lib\n/usr/lib\n".getBytes(StandardCharsets.UTF_8), 0644);
    put(tree, "lib/libc.so.6", LIBC);
    put(tree, "opt/app/lib/libz.so.1.2.13", LIBZ); // named neither like its SONAME nor its link name: skipped
    tree.symlink("libz.so.1.2.13", "opt/app/lib/libz.so.1");
    tree.writeFile("usr/lib/libc.so", "GROUP ( libc.so.6 )".getBytes(StandardCharsets.UTF_8), 0644);

    List<String> warnings = new ArrayList<>();
    LdSoCache.update(tree, warnings::add);

    byte[] cache = tree.readFile("etc/ld.so.cache");
    assertThat(new String(cache, 0, 20, StandardCharsets.US_ASCII)).isEqualTo("glibc-ld.so.cache1.1");
    assertThat(cache.length % 16).isZero();
    Path file = dir.resolve("ld.so.cache");
    Files.write(file, cache);
    String listing = ExternalTools.run(List.of("/sbin/ldconfig", "-p", "-C", file.toString())).ok().stdout();
    assertThat(listing)
        .contains("2 libs found in cache")
        .contains("libz.so.1 (libc6,x86-64) => /opt/app/lib/libz.so.1")
        .contains("libc.so.6 (libc6,x86-64) => /lib/libc.so.6");
    assertThat(warnings).isEmpty();
  }

  @Test
  void ordersLikeGlibcsLibcmp() {
    assertThat(LdSoCache.libcmp("libfoo.so.10", "libfoo.so.9")).isPositive();
    assertThat(LdSoCache.libcmp("libfoo.so.1", "libfoo.so")).isPositive();
    assertThat(LdSoCache.libcmp("liba.so", "libb.so")).isNegative();
    assertThat(LdSoCache.libcmp("lib2", "libx")).isPositive(); // a digit outranks a non-digit
  }

  @Test
  void globsFollowGoPathMatch() {
    assertThat(Glob.match("*.conf", "app.conf")).isTrue();
    assertThat(Glob.match("*.conf", "app.conf.bak")).isFalse();
    assertThat(Glob.match("[a-c]?.conf", "b1.conf")).isTrue();
    assertThat(Glob.match("[^a-c]?.conf", "b1.conf")).isFalse();
  }
}
