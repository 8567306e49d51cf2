package dev.apkofarm.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.testing.ElfFiles;
import dev.apkofarm.core.testing.ExternalTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LdSoCacheTest {
  @TempDir Path dir;
  private Path libc;
  private Path libz;

  @BeforeEach
  void writeLibraries() throws Exception {
    libc = ElfFiles.sharedObject(dir.resolve("libc.so.6"), ElfFiles.EM_X86_64, "libc.so.6");
    libz = ElfFiles.sharedObject(dir.resolve("libz.so.1.2.13"), ElfFiles.EM_X86_64, "libz.so.1", "libc.so.6");
  }

  private static void put(ImageTree tree, String path, Path file) throws Exception {
    tree.put(path, new RegularFile(0755, 0, ContentRef.slice(file, 0, Files.size(file))));
  }

  @Test
  void readsSonamesFromElfSharedObjects() throws Exception {
    Path arm = ElfFiles.sharedObject(dir.resolve("libarm.so.2"), ElfFiles.EM_AARCH64, "libarm.so.2");
    Path exe = ElfFiles.executable(dir.resolve("sh"), ElfFiles.EM_X86_64, "libc.so.6");

    var info = ElfInfo.read(ContentRef.slice(libc, 0, Files.size(libc))).orElseThrow();

    assertThat(info.machine()).isEqualTo(ElfInfo.EM_X86_64);
    assertThat(info.sonames()).containsExactly("libc.so.6");
    assertThat(ElfInfo.read(ContentRef.slice(arm, 0, Files.size(arm))).orElseThrow().machine())
        .isEqualTo(ElfInfo.EM_AARCH64);
    assertThat(ElfInfo.read(ContentRef.slice(exe, 0, Files.size(exe)))).isEmpty(); // not a shared object
    assertThat(ElfInfo.read(ContentRef.inline("GROUP ( libc.so.6 )".getBytes(StandardCharsets.UTF_8)))).isEmpty();
  }

  @Test
  void writesACacheGlibcsLdconfigCanRead() throws Exception {
    // glibc's own reader of the cache; in /sbin, which a non-root PATH may lack.
    Path ldconfig =
        Files.isExecutable(Path.of("/sbin/ldconfig")) ? Path.of("/sbin/ldconfig") : ExternalTools.require("ldconfig");
    ImageTree tree = new ImageTree();
    tree.mkdirAll("etc/ld.so.conf.d", 0755);
    tree.mkdirAll("lib", 0755);
    tree.mkdirAll("usr/lib", 0755);
    tree.mkdirAll("opt/app/lib", 0755);
    tree.writeFile("etc/ld.so.conf", "# comment\ninclude /etc/ld.so.conf.d/*.conf\n/ignored/after/include\n"
        .getBytes(StandardCharsets.UTF_8), 0644);
    tree.writeFile("etc/ld.so.conf.d/app.conf", "/opt/app/lib\n/usr/lib\n".getBytes(StandardCharsets.UTF_8), 0644);
    put(tree, "lib/libc.so.6", libc);
    put(tree, "opt/app/lib/libz.so.1.2.13", libz); // named neither like its SONAME nor its link name: skipped
    tree.symlink("libz.so.1.2.13", "opt/app/lib/libz.so.1");
    tree.writeFile("usr/lib/libc.so", "GROUP ( libc.so.6 )".getBytes(StandardCharsets.UTF_8), 0644);

    List<String> warnings = new ArrayList<>();
    LdSoCache.update(tree, warnings::add);

    byte[] cache = tree.readFile("etc/ld.so.cache");
    assertThat(new String(cache, 0, 20, StandardCharsets.US_ASCII)).isEqualTo("glibc-ld.so.cache1.1");
    assertThat(cache.length % 16).isZero();
    Path file = dir.resolve("ld.so.cache");
    Files.write(file, cache);
    String listing = ExternalTools.run(List.of(ldconfig.toString(), "-p", "-C", file.toString())).ok().stdout();
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
