package dev.apkofarm.core.image;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.fs.Symlink;
import dev.apkofarm.core.fs.TreeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code /etc/ld.so.cache} as apko writes it when {@code /etc/ld.so.conf} exists: {@code /lib} and the configured
 * directories are scanned for {@code lib*.so*}/{@code ld-*.so*} shared objects (x86-64 and AArch64), one entry per
 * file named like its SONAME or its link name, sorted for the loader's binary search (glibc's {@code
 * _dl_cache_libcmp}, descending), in the {@code glibc-ld.so.cache1.1} format.
 *
 * <p>apko orders entries with equal names (the same library reached through two directories) with Go's unstable
 * sort; we keep scan order for those, which the loader does not care about.
 */
final class LdSoCache {
  static final String CONF = "etc/ld.so.conf";
  static final String CACHE = "etc/ld.so.cache";
  private static final int FLAG_ELF_LIBC6 = 0x0001 | 0x0003;
  private static final int HEADER = 48;
  private static final int ENTRY = 24;

  private LdSoCache() {}

  record Entry(String name, int flags) {
    String base() {
      return name.substring(name.lastIndexOf('/') + 1);
    }
  }

  static void update(ImageTree tree, Consumer<String> warn) throws BadInputException, IOException {
    if (tree.stat(CONF).isEmpty()) {
      return;
    }
    List<String> dirs = new ArrayList<>();
    dirs.add("/lib");
    dirs.addAll(parseConf(tree, CONF, warn));
    List<Entry> all = new ArrayList<>();
    for (String d : dirs) {
      all.addAll(entriesFor(tree, d));
    }
    all.sort((a, b) -> -libcmp(a.base(), b.base()));
    try {
      tree.writeFile(CACHE, write(all), 0644);
      tree.chmod(CACHE, 0644);
    } catch (TreeException e) {
      throw new BadInputException("writing /etc/ld.so.cache: " + e.getMessage(), e);
    }
  }

  /** apko's {@code ParseLDSOConf}: directories, {@code #} comments, {@code include GLOB} (which ends the file). */
  static List<String> parseConf(ImageTree tree, String path, Consumer<String> warn) throws IOException {
    byte[] content;
    try {
      content = tree.readFile(path);
    } catch (TreeException e) {
      warn.accept("could not read /" + path + ": " + e.getMessage());
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String raw : AccountFiles.lines(content)) {
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("include ")) {
        String glob = line.substring("include ".length()).strip();
        while (glob.startsWith("/")) {
          glob = glob.substring(1);
        }
        for (String match : Glob.expand(tree, glob)) {
          out.addAll(parseConf(tree, match, warn));
        }
        return out; // apko stops reading the file after an include
      }
      if (!out.contains(line)) {
        out.add(line);
      }
    }
    return out;
  }

  private static List<Entry> entriesFor(ImageTree tree, String libdir) throws BadInputException, IOException {
    String dir;
    try {
      dir = ImageTree.normalize(libdir);
    } catch (TreeException e) {
      return List.of();
    }
    Optional<Node> d = tree.stat(dir);
    if (d.isEmpty() || !(d.get() instanceof Directory directory)) {
      return List.of();
    }
    TreeMap<String, Entry> byName = new TreeMap<>(CodePointOrder.INSTANCE);
    for (Map.Entry<String, Node> child : directory.children().entrySet()) {
      String realname = child.getKey();
      if (libName(realname) == null) {
        continue;
      }
      Node n = child.getValue();
      String path = dir.isEmpty() ? realname : dir + "/" + realname;
      if (n instanceof Symlink) {
        n = tree.stat(path).orElse(null);
      }
      if (!(n instanceof RegularFile f)) {
        continue;
      }
      Optional<ElfInfo> elf = ElfInfo.read(f.content());
      if (elf.isEmpty()) {
        continue;
      }
      List<String> sonames = new ArrayList<>(elf.get().sonames());
      if (sonames.isEmpty() && realname.endsWith(".so")) {
        sonames.add(realname);
      }
      int flags = FLAG_ELF_LIBC6;
      if (elf.get().machine() == ElfInfo.EM_X86_64) {
        flags |= 0x0300;
      } else if (elf.get().machine() == ElfInfo.EM_AARCH64) {
        flags |= 0x0a00;
      } else {
        throw new BadInputException(
            "/" + path + ": unknown machine type " + elf.get().machine() + " for /etc/ld.so.cache");
      }
      for (String soname : sonames) {
        String fname = libName(soname);
        if (fname == null) {
          continue;
        }
        if (!realname.equals(soname) && !realname.equals(fname + ".so")) {
          continue;
        }
        byName.putIfAbsent(realname, new Entry("/" + path, flags));
      }
    }
    return new ArrayList<>(byName.values());
  }

  /** apko's {@code ParseLibFilename}: the name part of {@code lib*.so[.version]} / {@code ld-*}, or null. */
  static String libName(String realname) {
    if (!realname.startsWith("lib") && !realname.startsWith("ld-")) {
      return null;
    }
    if (realname.endsWith(".so")) {
      return realname.substring(0, realname.length() - 3);
    }
    int idx = realname.lastIndexOf(".so.");
    return idx < 1 ? null : realname.substring(0, idx);
  }

  /** glibc's {@code _dl_cache_libcmp}: digit runs compare numerically and outrank other characters. */
  static int libcmp(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    int i = 0;
    int j = 0;
    while (i < x.length && j < y.length) {
      boolean dx = isDigit(x[i]);
      boolean dy = isDigit(y[j]);
      if (dx && dy) {
        long vx = 0;
        long vy = 0;
        for (; i < x.length && isDigit(x[i]); i++) {
          vx = vx * 10 + (x[i] - '0');
        }
        for (; j < y.length && isDigit(y[j]); j++) {
          vy = vy * 10 + (y[j] - '0');
        }
        if (vx != vy) {
          return Long.compare(vx, vy);
        }
      } else if (dx) {
        return 1;
      } else if (dy) {
        return -1;
      } else if (x[i] != y[j]) {
        return Integer.compare(x[i] & 0xff, y[j] & 0xff);
      } else {
        i++;
        j++;
      }
    }
    return Integer.compare(x.length - i, y.length - j);
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** The cache file: header, entry table, string table, zero padding to the next 16-byte boundary. */
  static byte[] write(List<Entry> entries) {
    int table = HEADER + ENTRY * entries.size();
    ByteArrayOutputStream strings = new ByteArrayOutputStream();
    ByteBuffer e = ByteBuffer.allocate(ENTRY * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (Entry entry : entries) {
      int cursor = table + strings.size();
      byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
      int dirLength = entry.name().lastIndexOf('/') == 0 ? 1 : entry.name().lastIndexOf('/');
      strings.writeBytes(name);
      strings.write(0);
      e.putInt(entry.flags());
      e.putInt(cursor + dirLength + 1);
      e.putInt(cursor);
      e.putInt(0);
      e.putLong(0);
    }
    ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    h.put("glibc-ld.so.cache".getBytes(StandardCharsets.US_ASCII));
    h.put("1.1".getBytes(StandardCharsets.US_ASCII));
    h.putInt(entries.size());
    h.putInt(strings.size());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.array());
    out.writeBytes(e.array());
    out.writeBytes(strings.toByteArray());
    int pos = out.size();
    int aligned = (pos & ~0xf) + 0x10;
    out.writeBytes(new byte[aligned - pos]);
    return out.toByteArray();
  }
}
