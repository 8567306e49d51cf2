package dev.apkofarm.core.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Turns gzip layer tarballs into one newc cpio archive (apko's {@code build-cpio}), streaming file contents. The bytes
 * depend only on the layers: entries in layer order, inode numbers counted from 1, owner, mode and time from each tar
 * entry. A hard link shares its target's inode (the data travels with the first name; the link count is known from a
 * first pass), as the kernel's initramfs unpacker expects. apko drops hard links; here they stay links.
 */
public final class LayerCpio {
  private LayerCpio() {}

  /** Writes the layers (bottom first) to {@code out} as one cpio archive, trailer included; does not close it. */
  public static void write(List<Path> gzipLayers, OutputStream out) throws IOException {
    Map<String, Integer> links = new HashMap<>();
    for (Path layer : gzipLayers) {
      try (TarArchiveInputStream tar = open(layer)) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          if (e.isLink()) {
            links.merge(clean(e.getLinkName()), 1, Integer::sum);
          }
        }
      }
    }
    CpioArchiveOutputStream cpio =
        new CpioArchiveOutputStream(new Unclosed(out), CpioConstants.FORMAT_NEW, 512, StandardCharsets.UTF_8.name());
    Map<String, Long> inodes = new HashMap<>();
    long next = 1;
    for (Path layer : gzipLayers) {
      try (TarArchiveInputStream tar = open(layer)) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          String name = clean(e.getName());
          if (name.isEmpty()) {
            continue;
          }
          CpioArchiveEntry c = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name);
          c.setUID(e.getLongUserId());
          c.setGID(e.getLongGroupId());
          c.setTime(e.getLastModifiedTime().toMillis() / 1000);
          int perm = e.getMode() & 07777;
          byte[] inline = null;
          if (e.isDirectory()) {
            c.setMode(CpioConstants.C_ISDIR | perm);
            c.setNumberOfLinks(2);
            c.setInode(next++);
          } else if (e.isSymbolicLink()) {
            c.setMode(CpioConstants.C_ISLNK | 0777);
            inline = e.getLinkName().getBytes(StandardCharsets.UTF_8);
            c.setSize(inline.length);
            c.setNumberOfLinks(1);
            c.setInode(next++);
          } else if (e.isLink()) {
            String target = clean(e.getLinkName());
            Long inode = inodes.get(target);
            if (inode == null) {
              throw new IOException("hard link " + name + " to " + target + ", which the layers do not hold before it");
            }
            c.setMode(CpioConstants.C_ISREG | perm);
            c.setInode(inode);
            c.setNumberOfLinks(1 + links.getOrDefault(target, 0));
            c.setSize(0);
          } else if (e.isCharacterDevice() || e.isBlockDevice()) {
            c.setMode((e.isCharacterDevice() ? CpioConstants.C_ISCHR : CpioConstants.C_ISBLK) | perm);
            c.setRemoteDeviceMaj(e.getDevMajor());
            c.setRemoteDeviceMin(e.getDevMinor());
            c.setNumberOfLinks(1);
            c.setInode(next++);
          } else if (e.isFIFO()) {
            c.setMode(CpioConstants.C_ISFIFO | perm);
            c.setNumberOfLinks(1);
            c.setInode(next++);
          } else if (e.isFile()) {
            c.setMode(CpioConstants.C_ISREG | perm);
            c.setSize(e.getSize());
            c.setNumberOfLinks(1 + links.getOrDefault(name, 0));
            c.setInode(next++);
            inodes.put(name, c.getInode());
          } else {
            continue; // PAX/GNU metadata entries are consumed by the tar reader; nothing else is in a layer
          }
          cpio.putArchiveEntry(c);
          if (inline != null) {
            cpio.write(inline);
          } else if (c.getSize() > 0) {
            tar.transferTo(cpio);
          }
          cpio.closeArchiveEntry();
        }
      }
    }
    cpio.finish();
    cpio.close();
  }

  private static TarArchiveInputStream open(Path gzipLayer) throws IOException {
    InputStream in = new GZIPInputStream(Files.newInputStream(gzipLayer), 1 << 16);
    return new TarArchiveInputStream(in);
  }

  /** Layer names as the kernel wants them: relative, no leading {@code ./} or {@code /}, no trailing {@code /}. */
  private static String clean(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    return n;
  }

  /** Lets the cpio stream finish without closing the caller's stream. */
  private static final class Unclosed extends java.io.FilterOutputStream {
    Unclosed(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
