package dev.apkofarm.core.testing.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.testing.ElfFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfDynamicTest {
  @Test
  void readsNeededLibrariesOfAnExecutable(@TempDir Path dir) throws IOException {
    Path java = ElfFiles.executable(dir.resolve("java"), ElfFiles.EM_X86_64, "libjli.so", "libc.so.6");

    ElfDynamic elf = ElfDynamic.read(java).orElseThrow();

    assertThat(elf.soname()).isEmpty();
    assertThat(elf.needed()).containsExactly("libjli.so", "libc.so.6");
  }

  @Test
  void readsSonameOfASharedLibrary(@TempDir Path dir) throws IOException {
    Path jli = ElfFiles.sharedObject(dir.resolve("libjli.so"), ElfFiles.EM_AARCH64, "libjli.so", "libz.so.1");

    ElfDynamic elf = ElfDynamic.read(jli).orElseThrow();

    assertThat(elf.soname()).contains("libjli.so");
    assertThat(elf.needed()).containsExactly("libz.so.1");
  }

  @Test
  void givesNothingForAFileThatIsNotElf(@TempDir Path dir) throws IOException {
    Path script = Files.writeString(dir.resolve("run"), "#!/bin/sh\necho hi\n");
    assertThat(ElfDynamic.read(script)).isEmpty();
    assertThat(ElfDynamic.read(Files.write(dir.resolve("tiny"), new byte[] {0x7f}))).isEmpty();
  }

  @Test
  void refusesATruncatedElfFileNamingIt(@TempDir Path dir) throws IOException {
    Path bad = Files.write(dir.resolve("bad.so"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0});
    assertThatThrownBy(() -> ElfDynamic.read(bad)).isInstanceOf(IOException.class).hasMessageContaining("bad.so");
  }

  @Test
  void sonameVersionIsWhatFollowsDotSo() {
    assertThat(SharedLibraries.sonameVersion("libc.so.6")).isEqualTo("6");
    assertThat(SharedLibraries.sonameVersion("libskarnet.so.2.13")).isEqualTo("2.13");
    assertThat(SharedLibraries.sonameVersion("libGB.so")).isEqualTo("0");
  }

  @Test
  void apkVersionComesFromUpstreamVersionAndDebianRevision() {
    assertThat(deb("1:1.35.0-4+deb12u1+b1").apkVersion()).isEqualTo("1.35.0-r4");
    assertThat(deb("2.36-9+deb12u14").apkVersion()).isEqualTo("2.36-r9");
    assertThat(deb("2.13.1.1-1").apkVersion()).isEqualTo("2.13.1.1-r1");
    assertThat(deb("3.2").apkVersion()).isEqualTo("3.2-r0");
  }

  private static DebPackage deb(String version) {
    return new DebPackage(Path.of("x.deb"), "x", version, "amd64");
  }
}
