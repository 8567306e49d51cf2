package dev.apkofarm.client.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Copies of the jar's stored usage texts and parse tables in a file beside it ({@code apko-farm.cli} beside
 * {@code apko-farm.jar}, written at {@code package} time), so that a CLI run reads nothing from the jar. Its classes
 * come from the class-data archive, and reading a single resource from the jar opens it and indexes its 34,000
 * entries: about 10 ms of a run that takes 40 ms to print its version (issue 11).
 *
 * <p>The file holds the two resources and the CRC-32s that the jar's own index gives the class files they were made
 * from, so {@link StoredUsage} checks them exactly as it checks the jar. It is used only while the jar has the size and
 * modification time it had when the file was written, as the JVM checks its archive: a jar rebuilt without it (an IDE,
 * {@code -Dapkofarm.cds.skip=true} builds it anyway, but a hand-made jar may not) is read directly instead, which is
 * slower and never wrong. A damaged file is the same as none.
 */
final class JarSidecar implements StoredUsage.Resources {
  static final String SUFFIX = ".cli";

  private static final int FORMAT = 1;
  /** Far above the 170 KB it holds; a larger file is not one of ours. */
  private static final long MAX_BYTES = 8L << 20;

  /** {@code length} bytes of {@code bytes} from {@code offset}. */
  private record Range(byte[] bytes, int offset, int length) {}

  private final Map<String, Range> files;
  private final Map<String, Long> crcs;

  private JarSidecar(Map<String, Range> files, Map<String, Long> crcs) {
    this.files = files;
    this.crcs = crcs;
  }

  /** The file beside {@code jar}: its name with {@link #SUFFIX} in place of {@code .jar}. */
  static Path of(Path jar) {
    String name = jar.getFileName().toString();
    return jar.resolveSibling((name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name) + SUFFIX);
  }

  /** The file beside {@code jar} when there is one, undamaged, written for the jar as it is now; otherwise empty. */
  static Optional<JarSidecar> beside(Path jar) {
    try {
      Path file = of(jar);
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
        return Optional.empty();
      }
      byte[] whole = Files.readAllBytes(file);
      ByteArrayInputStream bytes = new ByteArrayInputStream(whole);
      DataInputStream in = new DataInputStream(bytes);
      if (in.readInt() != FORMAT) {
        return Optional.empty();
      }
      BasicFileAttributes now = Files.readAttributes(jar, BasicFileAttributes.class);
      if (in.readLong() != now.size() || in.readLong() != now.lastModifiedTime().toMillis()) {
        return Optional.empty();
      }
      // Each resource is a range of the file's bytes, not a copy: a run reads one of them, and of the usage texts
      // only the one it prints.
      Map<String, Range> files = new TreeMap<>();
      for (int i = in.readInt(); i > 0; i--) {
        String name = in.readUTF();
        int length = in.readInt();
        int offset = whole.length - bytes.available();
        if (length < 0 || length > bytes.available()) {
          return Optional.empty();
        }
        files.put(name, new Range(whole, offset, length));
        in.skipNBytes(length);
      }
      Map<String, Long> crcs = new TreeMap<>();
      for (int i = in.readInt(); i > 0; i--) {
        crcs.put(in.readUTF(), in.readLong());
      }
      if (in.read() != -1) {
        return Optional.empty();
      }
      return Optional.of(new JarSidecar(files, crcs));
    } catch (IOException | RuntimeException damaged) {
      return Optional.empty();
    }
  }

  /**
   * Writes the file beside {@code jar} holding {@code resources}, each with the CRCs the jar's index gives the class
   * files its header names ({@link StoredUsage#readClasses}).
   */
  static void write(Path jar, List<String> resources) throws IOException {
    BasicFileAttributes before = Files.readAttributes(jar, BasicFileAttributes.class);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(FORMAT);
    out.writeLong(before.size());
    out.writeLong(before.lastModifiedTime().toMillis());
    Map<String, Long> crcs = new TreeMap<>();
    try (StoredUsage.Jar from = new StoredUsage.Jar(jar)) {
      out.writeInt(resources.size());
      for (String name : resources) {
        byte[] content;
        try (InputStream in = from.open(name)) {
          if (in == null) {
            throw new IOException(jar + " has no " + name);
          }
          content = in.readAllBytes();
        }
        out.writeUTF(name);
        out.writeInt(content.length);
        out.write(content);
        DataInputStream header = new DataInputStream(new ByteArrayInputStream(content));
        for (String className : StoredUsage.readClasses(header, name).keySet()) {
          String classFile = StoredUsage.classFile(className);
          Long crc = from.crc(classFile);
          if (crc != null) {
            crcs.put(classFile, crc);
          }
        }
      }
    }
    out.writeInt(crcs.size());
    for (Map.Entry<String, Long> c : crcs.entrySet()) {
      out.writeUTF(c.getKey());
      out.writeLong(c.getValue());
    }
    out.flush();
    if (!Files.readAttributes(jar, BasicFileAttributes.class).lastModifiedTime().equals(before.lastModifiedTime())) {
      throw new IOException(jar + " changed while its " + SUFFIX + " file was written");
    }
    Path file = of(jar);
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temp, bytes.toByteArray());
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public InputStream open(String name) {
    Range range = files.get(name);
    return range == null ? null : new ByteArrayInputStream(range.bytes, range.offset, range.length);
  }

  @Override
  public Long crc(String name) {
    return crcs.get(name);
  }
}
