package dev.apkofarm.core.build;

import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.MalformedArchiveException;
import dev.apkofarm.core.apk.archive.TarEntry;
import dev.apkofarm.core.apk.pkg.ApkPackage;
import dev.apkofarm.core.apk.pkg.PackageVerificationException;
import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.install.ControlEntry;
import dev.apkofarm.core.install.DataEntry;
import dev.apkofarm.core.install.PackageArchive;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A verified package expanded for installation: one pass over its data section keeps each small regular file's bytes
 * in memory while its {@link ExpansionSpace}'s budget lasts and copies every other file's bytes into a single file on
 * disk (no directory tree, no per-file files), made when the first such file comes; each entry records a
 * {@link ContentRef} to its bytes. The tree then refers to those bytes until the layer streams them.
 */
record ExpandedPackage(PackageInfo meta, List<ControlEntry> controlEntries, List<DataEntry> dataEntries)
    implements PackageArchive {
  ExpandedPackage {
    controlEntries = List.copyOf(controlEntries);
    dataEntries = List.copyOf(dataEntries);
  }

  /**
   * Expands {@code apk}, its file contents in {@code space}; {@code size} is the package size the installed database
   * records.
   */
  static ExpandedPackage expand(ApkPackage apk, ExpansionSpace space, long size)
      throws IOException, dev.apkofarm.core.BadInputException {
    try {
      return expandWithin(apk, space, size);
    } catch (MalformedArchiveException e) {
      // Truncated content or a limit passed while inflating a file: the (verified) package's own doing.
      throw new PackageVerificationException(apk.displayName(), e.getMessage(), e);
    }
  }

  private static ExpandedPackage expandWithin(ApkPackage apk, ExpansionSpace space, long size)
      throws IOException, dev.apkofarm.core.BadInputException {
    List<DataEntry> data = new ArrayList<>();
    Path contents = null;
    OutputStream out = null;
    try (ApkPackage.DataReader reader = apk.data()) {
      long offset = 0;
      byte[] buf = new byte[1 << 16];
      TarEntry e;
      while ((e = reader.next()) != null) {
        Optional<ContentRef> content = Optional.empty();
        if (e.type() == TarEntry.Type.FILE) {
          if (space.takeInline(e.size())) {
            byte[] bytes;
            try (InputStream in = reader.content()) {
              bytes = in.readNBytes((int) e.size() + 1); // one more than the header says shows a longer entry
            }
            checkSize(e, bytes.length);
            content = Optional.of(new ContentRef.Inline(bytes)); // a new array, this entry's alone: not copied again
          } else {
            if (out == null) {
              contents = space.newContentsFile();
              out = new BufferedOutputStream(Files.newOutputStream(contents), 1 << 16);
            }
            long n = 0;
            try (InputStream in = reader.content()) {
              int k;
              while ((k = in.read(buf)) > 0) {
                out.write(buf, 0, k);
                n += k;
              }
            }
            checkSize(e, n);
            content = Optional.of(ContentRef.slice(contents, offset, n));
            offset += n;
          }
        }
        Optional<byte[]> checksum;
        try {
          checksum = e.checksumSha1();
        } catch (IllegalArgumentException ex) {
          throw new dev.apkofarm.core.apk.pkg.PackageVerificationException(apk.displayName(), ex.getMessage());
        }
        data.add(
            new DataEntry(
                e.name(), kind(e.type()), e.mode() & 07777, e.uid(), e.gid(), seconds(e.mtime()), e.linkName(),
                xattrs(e), checksum, content));
      }
    } finally {
      if (out != null) {
        out.close();
      }
    }
    List<ControlEntry> control = new ArrayList<>();
    for (ApkPackage.ControlFile c : apk.controlFiles().values()) {
      TarEntry t = c.entry();
      TreeMap<String, byte[]> pax = new TreeMap<>();
      for (Map.Entry<String, String> r : t.paxRecords().entrySet()) {
        pax.put(r.getKey(), r.getValue().getBytes(StandardCharsets.UTF_8));
      }
      control.add(new ControlEntry(t.name(), t.mode(), t.uid(), t.gid(), t.uname(), t.gname(), pax, c.content()));
    }
    return new ExpandedPackage(meta(apk, size), control, data);
  }

  private static void checkSize(TarEntry e, long n) throws MalformedArchiveException {
    if (n != e.size()) {
      throw new MalformedArchiveException(
          "data section entry " + InputText.quote(e.name()) + " has " + n + " bytes, its header says " + e.size());
    }
  }

  private static java.util.SortedMap<String, byte[]> xattrs(TarEntry e) {
    return e.xattrs().isEmpty() ? java.util.Collections.emptySortedMap() : new TreeMap<>(e.xattrs());
  }

  static PackageInfo meta(ApkPackage apk, long size) {
    return apk.info().toBuilder().size(size).build();
  }

  /** Go rounds header times to the nearest second when writing. */
  private static long seconds(Instant t) {
    return t.getEpochSecond() + (t.getNano() >= 500_000_000 ? 1 : 0);
  }

  private static DataEntry.Kind kind(TarEntry.Type t) {
    return switch (t) {
      case FILE -> DataEntry.Kind.FILE;
      case HARDLINK -> DataEntry.Kind.HARDLINK;
      case SYMLINK -> DataEntry.Kind.SYMLINK;
      case DIRECTORY -> DataEntry.Kind.DIRECTORY;
      case CHAR_DEVICE -> DataEntry.Kind.CHAR_DEVICE;
      case BLOCK_DEVICE -> DataEntry.Kind.BLOCK_DEVICE;
      case FIFO -> DataEntry.Kind.FIFO;
    };
  }
}
