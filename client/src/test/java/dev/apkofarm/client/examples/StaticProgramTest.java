package dev.apkofarm.client.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.config.Arch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticProgramTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"x86_64, 62", "aarch64, 183"})
  void isAStaticElfExecutableForItsMachineEndingInItsMessage(String arch, int machine) {
    byte[] elf = StaticProgram.printing(arch, "hi there");
    ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);

    assertThat(elf).startsWith(0x7f, 'E', 'L', 'F', 2, 1, 1);
    assertThat(b.getShort(16)).as("e_type").isEqualTo((short) 2);
    assertThat(b.getShort(18)).as("e_machine").isEqualTo((short) machine);
    assertThat(b.getLong(24)).as("e_entry: just after the one program header").isEqualTo(0x400000 + 64 + 56);
    assertThat(b.getShort(56)).as("e_phnum").isEqualTo((short) 1);
    assertThat(b.getInt(64)).as("PT_LOAD").isEqualTo(1);
    assertThat(b.getLong(64 + 32)).as("p_filesz").isEqualTo(elf.length);
    assertThat(new String(elf, elf.length - 9, 9, StandardCharsets.UTF_8)).isEqualTo("hi there\n");
  }

  @Test
  void theHostsProgramRunsAndPrintsItsLine() throws Exception {
    Arch host = Arch.host().orElseThrow();
    Path program = Files.write(tmp.resolve("hello"), StaticProgram.printing(host.apkName(), "hello from a test"));
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));

    Process p = new ProcessBuilder(program.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out).isEqualTo("hello from a test\n");
  }

  @Test
  void refusesAnArchItHasNoMachineCodeFor() {
    assertThatThrownBy(() -> StaticProgram.printing("riscv64", "x")).hasMessageContaining("riscv64");
  }
}
