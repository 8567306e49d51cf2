package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file beside the jar gives a CLI run the same texts and tables as the jar, checked the same way, and only for the
 * jar it was written for.
 */
class JarSidecarTest {
  private static final StoredUsage.Resources CLASS_PATH =
      StoredUsage.Resources.of(JarSidecarTest.class.getClassLoader());
  private static final List<String> RESOURCES = List.of(StoredUsage.RESOURCE, QuickParse.RESOURCE);
  private static final String BUILD_COMMAND = StoredUsage.classFile(BuildCommand.class.getName());

  /** A jar of the two resources and every class file their headers name, from this test's class path. */
  private static Map<String, byte[]> jarContent() throws IOException {
    Map<String, byte[]> content = new LinkedHashMap<>();
    for (String resource : RESOURCES) {
      byte[] bytes = read(resource);
      content.put(resource, bytes);
      DataInputStream header = new DataInputStream(new ByteArrayInputStream(bytes));
      header.readInt();
      for (int i = header.readInt(); i > 0; i--) {
        String classFile = StoredUsage.classFile(header.readUTF());
        header.readLong();
        content.put(classFile, read(classFile));
      }
    }
    return content;
  }

  private static byte[] read(String name) throws IOException {
    try (InputStream in = CLASS_PATH.open(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  private static Path writeJar(Path jar, Map<String, byte[]> content) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
      for (Map.Entry<String, byte[]> e : content.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void theFileBesideTheJarGivesWhatTheJarGives(@TempDir Path dir) throws IOException {
    Path jar = writeJar(dir.resolve("apko-farm.jar"), jarContent());
    JarSidecar.write(jar, RESOURCES);
    assertThat(JarSidecar.of(jar)).isEqualTo(dir.resolve("apko-farm.cli")).isRegularFile();

    JarSidecar beside = JarSidecar.beside(jar).orElseThrow();
    for (String resource : RESOURCES) {
      try (InputStream in = beside.open(resource)) {
        assertThat(in.readAllBytes()).as(resource).isEqualTo(read(resource));
      }
    }
    assertThat(beside.open("dev/apkofarm/client/cli/Other.class")).isNull();
    try (StoredUsage.Jar direct = new StoredUsage.Jar(jar)) {
      assertThat(beside.crc(BUILD_COMMAND)).isNotNull().isEqualTo(direct.crc(BUILD_COMMAND));
      for (String[] args : List.of(new String[] {"--help"}, new String[] {"build", "-h"}, new String[] {"help", "submit"})) {
        assertThat(new StoredUsage(beside).text(false, args)).as("%s", Arrays.toString(args))
            .isPresent().isEqualTo(new StoredUsage(direct).text(false, args));
      }
    }
    assertThat(StoredUsage.quickTables(beside, name -> true)).isPresent();
  }

  @Test
  void aFileWrittenForAnotherJarOrDamagedIsNotUsed(@TempDir Path dir) throws IOException {
    Path jar = writeJar(dir.resolve("apko-farm.jar"), jarContent());
    assertThat(JarSidecar.beside(jar)).as("none written").isEmpty();
    JarSidecar.write(jar, RESOURCES);
    Path file = JarSidecar.of(jar);
    byte[] whole = Files.readAllBytes(file);

    // The jar rebuilt after the file was written: same bytes, a later time; then other bytes, the same time.
    FileTime written = Files.getLastModifiedTime(jar);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(written.toMillis() + 2000));
    assertThat(JarSidecar.beside(jar)).as("a newer jar").isEmpty();
    Files.setLastModifiedTime(jar, written);
    assertThat(JarSidecar.beside(jar)).isPresent();
    Files.write(jar, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    Files.setLastModifiedTime(jar, written);
    assertThat(JarSidecar.beside(jar)).as("a jar of another size").isEmpty();

    writeJar(jar, jarContent());
    JarSidecar.write(jar, RESOURCES);
    whole = Files.readAllBytes(file);
    for (byte[] damaged : List.of(Arrays.copyOf(whole, 20), Arrays.copyOf(whole, whole.length - 1),
        Arrays.copyOf(whole, whole.length + 1), new byte[0])) {
      Files.write(file, damaged);
      assertThat(JarSidecar.beside(jar)).as("%d of %d bytes", damaged.length, whole.length).isEmpty();
    }
    byte[] otherFormat = whole.clone();
    otherFormat[3]++;
    Files.write(file, otherFormat);
    assertThat(JarSidecar.beside(jar)).isEmpty();
  }

  @Test
  void aClassChangedAfterTheTextsWereRenderedIsStillCaught(@TempDir Path dir) throws IOException {
    // A jar whose command class differs from the one the texts came from: the file keeps the jar's CRC of it, so the
    // texts and tables are refused as they are when read from the jar.
    Map<String, byte[]> content = jarContent();
    content.put(BUILD_COMMAND, "other bytes".getBytes(StandardCharsets.UTF_8));
    Path jar = writeJar(dir.resolve("apko-farm.jar"), content);
    JarSidecar.write(jar, RESOURCES);
    JarSidecar beside = JarSidecar.beside(jar).orElseThrow();
    assertThat(new StoredUsage(beside).text(false, "--help")).isEmpty();
    assertThat(StoredUsage.quickTables(beside, name -> true)).isEmpty();
  }
}
