package dev.apkofarm.core.testing.debian;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dynamic-linking facts of one ELF file — its {@code DT_SONAME} and {@code DT_NEEDED} entries — read from the
 * file's program headers and dynamic section, without binutils.
 *
 * <p>A static executable has no dynamic section: {@link #read} then gives an empty SONAME and no needed libraries.
 */
public record ElfDynamic(Optional<String> soname, List<String> needed) {
  private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
  private static final int PT_LOAD = 1;
  private static final int PT_DYNAMIC = 2;
  private static final long DT_NULL = 0;
  private static final long DT_NEEDED = 1;
  private static final long DT_STRTAB = 5;
  private static final long DT_SONAME = 14;
  private static final int MAX_STRING = 4096;

  public ElfDynamic {
    needed = List.copyOf(needed);
  }

  /** Whether the file starts with the ELF magic number. */
  public static boolean isElf(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(MAGIC.length);
      while (head.hasRemaining() && ch.read(head) >= 0) {}
      return !head.hasRemaining() && head.flip().equals(ByteBuffer.wrap(MAGIC));
    }
  }

  /**
   * Reads the SONAME and needed libraries of an ELF file (32 or 64 bit, either byte order).
   *
   * @return empty when the file is not ELF
   * @throws IOException naming the file when it is ELF but malformed
   */
  public static Optional<ElfDynamic> read(Path file) throws IOException {
    if (!isElf(file)) {
      return Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return Optional.of(new Reader(ch, file).read());
    } catch (EOFException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new IOException(file + ": malformed ELF file: " + e.getMessage(), e);
    }
  }

  /** One pass over one file; positional reads only, so large libraries are never loaded whole. */
  private static final class Reader {
    private final FileChannel ch;
    private final Path file;
    private boolean is64;
    private ByteOrder order;

    Reader(FileChannel ch, Path file) {
      this.ch = ch;
      this.file = file;
    }

    ElfDynamic read() throws IOException {
      ByteBuffer ident = bytes(0, 16);
      is64 = switch (ident.get(4)) {
        case 1 -> false;
        case 2 -> true;
        default -> throw new IOException(file + ": unknown ELF class " + ident.get(4));
      };
      order = switch (ident.get(5)) {
        case 1 -> ByteOrder.LITTLE_ENDIAN;
        case 2 -> ByteOrder.BIG_ENDIAN;
        default -> throw new IOException(file + ": unknown ELF byte order " + ident.get(5));
      };
      ByteBuffer header = bytes(0, is64 ? 64 : 52);
      long phoff = is64 ? header.getLong(32) : Integer.toUnsignedLong(header.getInt(28));
      int phentsize = Short.toUnsignedInt(header.getShort(is64 ? 54 : 42));
      int phnum = Short.toUnsignedInt(header.getShort(is64 ? 56 : 44));

      List<long[]> loads = new ArrayList<>(); // {offset, vaddr, filesz}
      long[] dynamic = null;
      for (int i = 0; i < phnum; i++) {
        ByteBuffer ph = bytes(phoff + (long) i * phentsize, phentsize);
        int type = ph.getInt(0);
        long offset = is64 ? ph.getLong(8) : Integer.toUnsignedLong(ph.getInt(4));
        long vaddr = is64 ? ph.getLong(16) : Integer.toUnsignedLong(ph.getInt(8));
        long filesz = is64 ? ph.getLong(32) : Integer.toUnsignedLong(ph.getInt(16));
        if (type == PT_LOAD) {
          loads.add(new long[] {offset, vaddr, filesz});
        } else if (type == PT_DYNAMIC) {
          dynamic = new long[] {offset, filesz};
        }
      }
      if (dynamic == null) {
        return new ElfDynamic(Optional.empty(), List.of());
      }

      int entrySize = is64 ? 16 : 8;
      long strtab = -1;
      Long soname = null;
      List<Long> needed = new ArrayList<>();
      ByteBuffer dyn = bytes(dynamic[0], (int) Math.min(dynamic[1], 1 << 20));
      for (int at = 0; at + entrySize <= dyn.limit(); at += entrySize) {
        long tag = is64 ? dyn.getLong(at) : dyn.getInt(at);
        long value = is64 ? dyn.getLong(at + 8) : Integer.toUnsignedLong(dyn.getInt(at + 4));
        if (tag == DT_NULL) {
          break;
        } else if (tag == DT_NEEDED) {
          needed.add(value);
        } else if (tag == DT_SONAME) {
          soname = value;
        } else if (tag == DT_STRTAB) {
          strtab = value;
        }
      }
      if (strtab < 0) {
        throw new IOException(file + ": dynamic section without DT_STRTAB");
      }
      long strtabOffset = fileOffset(loads, strtab);
      List<String> names = new ArrayList<>();
      for (long n : needed) {
        names.add(string(strtabOffset + n));
      }
      return new ElfDynamic(
          soname == null ? Optional.empty() : Optional.of(string(strtabOffset + soname)), names);
    }

    private long fileOffset(List<long[]> loads, long vaddr) throws IOException {
      for (long[] load : loads) {
        if (vaddr >= load[1] && vaddr < load[1] + load[2]) {
          return vaddr - load[1] + load[0];
        }
      }
      throw new IOException(file + ": string table address 0x" + Long.toHexString(vaddr) + " is in no segment");
    }

    private String string(long offset) throws IOException {
      ByteBuffer buf = ByteBuffer.allocate(MAX_STRING);
      ch.read(buf, offset);
      buf.flip();
      for (int i = 0; i < buf.limit(); i++) {
        if (buf.get(i) == 0) {
          return new String(buf.array(), 0, i, StandardCharsets.UTF_8);
        }
      }
      throw new IOException(file + ": unterminated string at offset " + offset);
    }

    private ByteBuffer bytes(long offset, int length) throws IOException {
      ByteBuffer buf = ByteBuffer.allocate(length).order(order == null ? ByteOrder.LITTLE_ENDIAN : order);
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          throw new EOFException("need " + length + " bytes at offset " + offset);
        }
      }
      return buf.flip();
    }
  }
}
