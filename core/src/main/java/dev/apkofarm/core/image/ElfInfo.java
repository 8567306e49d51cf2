package dev.apkofarm.core.image;

import dev.apkofarm.core.fs.ContentRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The little of an ELF file {@code ld.so.cache} needs: whether it is a shared object, its machine and its {@code
 * DT_SONAME}s (read from the {@code SHT_DYNAMIC} section and its string table, as Go's {@code debug/elf} does).
 * Reads headers by position; never the whole file.
 *
 * @param machine {@code e_machine} (62 = x86-64, 183 = AArch64)
 * @param sonames the {@code DT_SONAME} strings
 */
record ElfInfo(int machine, List<String> sonames) {
  static final int EM_X86_64 = 62;
  static final int EM_AARCH64 = 183;
  private static final int ET_DYN = 3;
  private static final int SHT_DYNAMIC = 6;
  private static final long DT_SONAME = 14;
  private static final int MAX_SECTION = 64 << 20;

  /** The info of a shared object, or empty if the file is not an ELF shared object. */
  static Optional<ElfInfo> read(ContentRef file) throws IOException {
    byte[] ident = bytes(file, 0, 64);
    if (ident.length < 52 || ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
      return Optional.empty();
    }
    boolean is64 = ident[4] == 2;
    if (ident[4] != 1 && !is64) {
      return Optional.empty();
    }
    ByteOrder order = ident[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    ByteBuffer h = ByteBuffer.wrap(ident).order(order);
    int type = h.getShort(16) & 0xffff;
    int machine = h.getShort(18) & 0xffff;
    if (type != ET_DYN) {
      return Optional.empty();
    }
    long shoff = is64 ? h.getLong(40) : h.getInt(32) & 0xffffffffL;
    int shentsize = h.getShort(is64 ? 58 : 46) & 0xffff;
    int shnum = h.getShort(is64 ? 60 : 48) & 0xffff;
    if (shoff == 0 || shnum == 0 || shentsize == 0) {
      return Optional.of(new ElfInfo(machine, List.of()));
    }
    ByteBuffer sh = ByteBuffer.wrap(bytes(file, shoff, (long) shnum * shentsize)).order(order);
    for (int i = 0; i < shnum; i++) {
      int base = i * shentsize;
      if (base + shentsize > sh.capacity()) {
        return Optional.empty();
      }
      int shType = sh.getInt(base + 4);
      if (shType != SHT_DYNAMIC) {
        continue;
      }
      long offset = is64 ? sh.getLong(base + 24) : sh.getInt(base + 16) & 0xffffffffL;
      long size = is64 ? sh.getLong(base + 32) : sh.getInt(base + 20) & 0xffffffffL;
      int link = sh.getInt(base + (is64 ? 40 : 24));
      if (link < 0 || link >= shnum || size > MAX_SECTION) {
        return Optional.empty();
      }
      int lb = link * shentsize;
      long strOffset = is64 ? sh.getLong(lb + 24) : sh.getInt(lb + 16) & 0xffffffffL;
      long strSize = is64 ? sh.getLong(lb + 32) : sh.getInt(lb + 20) & 0xffffffffL;
      if (strSize > MAX_SECTION) {
        return Optional.empty();
      }
      ByteBuffer dyn = ByteBuffer.wrap(bytes(file, offset, size)).order(order);
      byte[] strtab = bytes(file, strOffset, strSize);
      List<String> sonames = new ArrayList<>();
      int entry = is64 ? 16 : 8;
      for (int p = 0; p + entry <= dyn.capacity(); p += entry) {
        long tag = is64 ? dyn.getLong(p) : dyn.getInt(p);
        long val = is64 ? dyn.getLong(p + 8) : dyn.getInt(p + 4) & 0xffffffffL;
        if (tag == DT_SONAME && val >= 0 && val < strtab.length) {
          int end = (int) val;
          while (end < strtab.length && strtab[end] != 0) {
            end++;
          }
          if (end < strtab.length) {
            sonames.add(new String(strtab, (int) val, end - (int) val, StandardCharsets.UTF_8));
          }
        }
      }
      return Optional.of(new ElfInfo(machine, sonames));
    }
    return Optional.of(new ElfInfo(machine, List.of()));
  }

  private static byte[] bytes(ContentRef file, long position, long length) throws IOException {
    if (length < 0 || length > MAX_SECTION || position < 0) {
      return new byte[0];
    }
    byte[] buf = new byte[(int) length];
    int total = 0;
    while (total < buf.length) {
      int n = file.readAt(position + total, buf, total, buf.length - total);
      if (n <= 0) {
        break;
      }
      total += n;
    }
    return total == buf.length ? buf : java.util.Arrays.copyOf(buf, total);
  }
}
