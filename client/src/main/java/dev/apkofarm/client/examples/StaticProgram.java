package dev.apkofarm.client.examples;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The smallest real program an example image can run: a static Linux ELF executable that writes one fixed line to
 * standard output and exits 0, with no libc, no loader and no shell. Two system calls ({@code write(1, msg, len)},
 * {@code exit(0)}) written out as machine code for x86_64 and aarch64, so the offline examples hold something that
 * really runs in a container (natively, or under qemu) while staying a few hundred bytes of generated, licence-free
 * content.
 *
 * <p>Layout: the 64-byte ELF header, one {@code PT_LOAD} program header mapping the whole file read+execute at
 * {@value #BASE_HEX}, the code, then the message.
 */
final class StaticProgram {
  private static final long BASE = 0x400000;
  private static final String BASE_HEX = "0x400000";
  private static final int ELF_HEADER = 64;
  private static final int PROGRAM_HEADER = 56;
  private static final int CODE = ELF_HEADER + PROGRAM_HEADER;
  private static final short EM_X86_64 = 62;
  private static final short EM_AARCH64 = 183;

  private StaticProgram() {}

  /** The program for {@code apkArch} ({@code x86_64} or {@code aarch64}) printing {@code line} and a newline. */
  static byte[] printing(String apkArch, String line) {
    byte[] message = (line + "\n").getBytes(StandardCharsets.UTF_8);
    if (message.length > 0xffff) {
      throw new IllegalArgumentException("message longer than 65535 bytes");
    }
    return switch (apkArch) {
      case "x86_64" -> elf(EM_X86_64, x86_64(message.length), message);
      case "aarch64" -> elf(EM_AARCH64, aarch64(message.length), message);
      default -> throw new IllegalArgumentException("no static program for " + apkArch);
    };
  }

  /** write(1, msg, len) = syscall 1; exit(0) = syscall 60. The message follows the code. */
  private static byte[] x86_64(int length) {
    ByteBuffer b = ByteBuffer.allocate(33).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0xb8).putInt(1); // mov eax, 1 (write)
    b.put((byte) 0xbf).putInt(1); // mov edi, 1 (stdout)
    b.put(new byte[] {0x48, (byte) 0x8d, 0x35}).putInt(33 - 17); // lea rsi, [rip + message] (from the next insn)
    b.put((byte) 0xba).putInt(length); // mov edx, length
    b.put(new byte[] {0x0f, 0x05}); // syscall
    b.put((byte) 0xb8).putInt(60); // mov eax, 60 (exit)
    b.put(new byte[] {0x31, (byte) 0xff}); // xor edi, edi
    b.put(new byte[] {0x0f, 0x05}); // syscall
    return b.array();
  }

  /** write = svc 64, exit = svc 93 (x8 holds the number). The message follows the eight instructions. */
  private static byte[] aarch64(int length) {
    int adrOffset = 32 - 4; // from the adr instruction (the second) to the message
    int[] code = {
      0xd2800020, // movz x0, #1 (stdout)
      0x10000001 | ((adrOffset & 3) << 29) | ((adrOffset >> 2) << 5), // adr x1, message
      0xd2800002 | (length << 5), // movz x2, #length
      0xd2800808, // movz x8, #64 (write)
      0xd4000001, // svc #0
      0xd2800000, // movz x0, #0
      0xd2800ba8, // movz x8, #93 (exit)
      0xd4000001, // svc #0
    };
    ByteBuffer b = ByteBuffer.allocate(code.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int insn : code) {
      b.putInt(insn);
    }
    return b.array();
  }

  private static byte[] elf(short machine, byte[] code, byte[] message) {
    int size = CODE + code.length + message.length;
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]); // 64-bit, little-endian, version 1
    b.putShort((short) 2).putShort(machine).putInt(1); // ET_EXEC, machine, EV_CURRENT
    b.putLong(BASE + CODE).putLong(ELF_HEADER).putLong(0); // entry, program headers, no section headers
    b.putInt(0).putShort((short) ELF_HEADER).putShort((short) PROGRAM_HEADER).putShort((short) 1);
    b.putShort((short) 0).putShort((short) 0).putShort((short) 0); // no sections
    b.putInt(1).putInt(5); // PT_LOAD, PF_R | PF_X
    b.putLong(0).putLong(BASE).putLong(BASE); // the whole file at BASE
    b.putLong(size).putLong(size).putLong(0x10000); // 64 KiB alignment suits 4 KiB and 64 KiB page kernels
    b.put(code).put(message);
    return b.array();
  }
}
