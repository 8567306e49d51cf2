package dev.apkofarm.core.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Minimal 64-bit little-endian ELF files written by tests, so that ELF readers are tested on files whose content the
 * test chose rather than on whatever libc or JDK the host has. Each file carries what both ways of reading dynamic
 * linking facts need: program headers ({@code PT_LOAD} over the whole file, {@code PT_DYNAMIC}) and section headers
 * ({@code SHT_DYNAMIC} linked to its {@code SHT_STRTAB}), with {@code DT_NEEDED}, {@code DT_SONAME},
 * {@code DT_STRTAB} and {@code DT_STRSZ} entries. No code: nothing here can run.
 */
public final class ElfFiles {
  public static final int EM_X86_64 = 62;
  public static final int EM_AARCH64 = 183;
  private static final int ET_EXEC = 2;
  private static final int ET_DYN = 3;
  private static final int HEADER = 64;
  private static final int PHENT = 56;
  private static final int SHENT = 64;

  private ElfFiles() {}

  /** A shared object ({@code ET_DYN}) for {@code machine} with the given SONAME and needed libraries. */
  public static Path sharedObject(Path file, int machine, String soname, String... needed) throws IOException {
    return Files.write(file, bytes(ET_DYN, machine, Optional.of(soname), List.of(needed)));
  }

  /** A dynamically linked executable ({@code ET_EXEC}, no SONAME) needing the given libraries. */
  public static Path executable(Path file, int machine, String... needed) throws IOException {
    return Files.write(file, bytes(ET_EXEC, machine, Optional.empty(), List.of(needed)));
  }

  /** The bytes of such a file. */
  public static byte[] bytes(int type, int machine, Optional<String> soname, List<String> needed) {
    // String table: a leading NUL, then each name NUL-terminated; remember each name's offset.
    ByteBuffer names = ByteBuffer.allocate(4096);
    names.put((byte) 0);
    List<long[]> entries = new ArrayList<>(); // {tag, value}
    for (String n : needed) {
      entries.add(new long[] {1, names.position()});
      names.put(n.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
    }
    if (soname.isPresent()) {
      entries.add(new long[] {14, names.position()});
      names.put(soname.get().getBytes(StandardCharsets.UTF_8)).put((byte) 0);
    }
    int strOffset = HEADER + 2 * PHENT;
    int strSize = names.position();
    int dynOffset = align8(strOffset + strSize);
    entries.add(new long[] {5, strOffset}); // DT_STRTAB: an address; vaddr == file offset here
    entries.add(new long[] {10, strSize}); // DT_STRSZ
    entries.add(new long[] {0, 0}); // DT_NULL
    int dynSize = entries.size() * 16;
    int shOffset = align8(dynOffset + dynSize);
    int total = shOffset + 3 * SHENT;

    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    b.putShort(16, (short) type).putShort(18, (short) machine).putInt(20, 1);
    b.putLong(32, HEADER).putLong(40, shOffset);
    b.putShort(52, (short) HEADER).putShort(54, (short) PHENT).putShort(56, (short) 2);
    b.putShort(58, (short) SHENT).putShort(60, (short) 3).putShort(62, (short) 0);
    programHeader(b, HEADER, 1, 0, total); // PT_LOAD: the whole file at address 0
    programHeader(b, HEADER + PHENT, 2, dynOffset, dynSize); // PT_DYNAMIC
    b.put(strOffset, names.array(), 0, strSize);
    for (int i = 0; i < entries.size(); i++) {
      b.putLong(dynOffset + i * 16, entries.get(i)[0]).putLong(dynOffset + i * 16 + 8, entries.get(i)[1]);
    }
    // Section 0 is the null section; 1 the string table; 2 the dynamic section, linked to 1.
    sectionHeader(b, shOffset + SHENT, 3, strOffset, strSize, 0, 0);
    sectionHeader(b, shOffset + 2 * SHENT, 6, dynOffset, dynSize, 1, 16);
    return b.array();
  }

  private static void programHeader(ByteBuffer b, int at, int type, long offset, long size) {
    b.putInt(at, type).putInt(at + 4, 4).putLong(at + 8, offset).putLong(at + 16, offset).putLong(at + 24, offset);
    b.putLong(at + 32, size).putLong(at + 40, size).putLong(at + 48, 8);
  }

  private static void sectionHeader(ByteBuffer b, int at, int type, long offset, long size, int link, long entsize) {
    b.putInt(at + 4, type).putLong(at + 16, offset).putLong(at + 24, offset).putLong(at + 32, size);
    b.putInt(at + 40, link).putLong(at + 48, 8).putLong(at + 56, entsize);
  }

  private static int align8(int n) {
    return (n + 7) & ~7;
  }
}
