package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/** The usage texts stored at build time are, byte for byte, what picocli prints for every way of asking. */
class StoredUsageTest {
  private static final StoredUsage.Resources CLASS_PATH =
      StoredUsage.Resources.of(StoredUsageTest.class.getClassLoader());

  private static StoredUsage.Stored stored() throws IOException {
    try (InputStream in = CLASS_PATH.open(StoredUsage.RESOURCE)) {
      assertThat(in).as("%s, written at process-classes", StoredUsage.RESOURCE).isNotNull();
      return StoredUsage.Stored.read(in);
    }
  }

  /** Every argument list that asks for the usage of {@code command} ("" for the root). */
  private static List<String[]> waysToAsk(String command) {
    if (command.isEmpty()) {
      return List.of(new String[0], new String[] {"-h"}, new String[] {"--help"}, new String[] {"help"});
    }
    return List.of(new String[] {command, "-h"}, new String[] {command, "--help"}, new String[] {"help", command});
  }

  @Test
  void theStoredTextsAreWhatPicocliRendersFromTheCommandsNow() throws IOException {
    StoredUsage.Stored stored = stored();
    assertThat(stored.current(CLASS_PATH)).isTrue();
    StoredUsage.Stored live = StoredUsage.render(CLASS_PATH);
    assertThat(stored.plain()).isEqualTo(live.plain());
    assertThat(stored.ansi()).isEqualTo(live.ansi());
    assertThat(stored.classes()).isEqualTo(live.classes())
        .containsKeys(CommandLine.class.getName(), ApkoClientCommand.class.getName(), BuildCommand.class.getName(),
            ClientCommand.class.getName(), ConfigOptions.class.getName());
    assertThat(stored.plain()).hasSize(ApkoClientCommand.SUBCOMMANDS.size() + 1);
    assertThat(stored.plain().get("")).startsWith("Usage: apko-client").contains("show-packages");
    assertThat(stored.ansi().get("build")).contains("\u001b[");
  }

  @Test
  void everyWayOfAskingPrintsWhatPicocliPrints() throws IOException {
    StoredUsage usage = new StoredUsage(CLASS_PATH);
    for (String command : stored().plain().keySet()) {
      for (String[] args : waysToAsk(command)) {
        for (Ansi ansi : List.of(Ansi.OFF, Ansi.ON)) {
          assertThat(usage.text(ansi == Ansi.ON, args)).as("%s, %s", Arrays.toString(args), ansi)
              .contains(StoredUsage.live(ansi, args));
        }
      }
    }
  }

  @Test
  void theProcessPathPrintsTheTextWithoutPicocliParsing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertThat(StoredUsage.print(new PrintStream(bytes, true), "build", "--help")).isTrue();
    String expected = StoredUsage.live(Ansi.AUTO, "build", "--help");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(StoredUsage.print(new PrintStream(new ByteArrayOutputStream()), "build")).isFalse();
  }

  @Test
  void plainIsDecidedWithoutPicocliOnlyWhenPicocliWouldPrintPlain() {
    // Tests run without a console, so here the shortcut decides; wherever it does, picocli agrees.
    assertThat(StoredUsage.certainlyPlain()).isEqualTo(System.console() == null
        && System.getenv("CLICOLOR_FORCE") == null && !System.getProperty("os.name").toLowerCase().contains("win"));
    if (StoredUsage.certainlyPlain()) {
      assertThat(Ansi.AUTO.enabled()).isFalse();
    }
  }

  @Test
  void aJarIsReadThroughItsOwnIndex(@TempDir Path dir) throws IOException {
    byte[] bytes = "class file".getBytes(StandardCharsets.UTF_8);
    Path jar = dir.resolve("cli.jar");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new ZipEntry("a/B.class"));
      out.write(bytes);
      out.closeEntry();
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    try (StoredUsage.Jar read = new StoredUsage.Jar(jar)) {
      assertThat(read.crc("a/B.class")).isEqualTo(crc.getValue());
      assertThat(read.crc("a/C.class")).isNull();
      try (InputStream in = read.open("a/B.class")) {
        assertThat(in.readAllBytes()).isEqualTo(bytes);
      }
      assertThat(read.open("a/C.class")).isNull();
    }
    assertThat(StoredUsage.jarOf(CommandLine.class)).isNotNull().isRegularFile();
    assertThat(StoredUsage.jarOf(StoredUsageTest.class)).as("a class from a directory").isNull();
  }

  @Test
  void otherArgumentsAreLeftToPicocli() {
    StoredUsage usage = new StoredUsage(CLASS_PATH);
    for (List<String> args : List.of(List.of("build"), List.of("help", "no-such"), List.of("no-such", "--help"),
        List.of("--help", "build"), List.of("-C", "x", "--help"), List.of("", "--help"), List.of("help", ""),
        List.of("help", "help"), List.of("help", "--help"), List.of("build", "--help", "x"), List.of("-V"))) {
      assertThat(usage.text(false, args.toArray(String[]::new))).as("%s", args).isEmpty();
    }
  }

  @Test
  void aMissingStaleOrDamagedStoreIsLeftToPicocli() throws IOException {
    assertThat(new StoredUsage(name -> name.equals(StoredUsage.RESOURCE) ? null : CLASS_PATH.open(name))
        .text(false, "--help")).isEmpty();
    // One command class compiled anew (here: other bytes) after the texts were rendered.
    String build = BuildCommand.class.getName().replace('.', '/') + ".class";
    StoredUsage.Resources rebuilt = name -> name.equals(build)
        ? new ByteArrayInputStream("other bytes".getBytes(StandardCharsets.UTF_8)) : CLASS_PATH.open(name);
    assertThat(new StoredUsage(rebuilt).text(false, "--help")).isEmpty();
    byte[] whole;
    try (InputStream in = CLASS_PATH.open(StoredUsage.RESOURCE)) {
      whole = in.readAllBytes();
    }
    List<byte[]> damaged = new ArrayList<>();
    damaged.add(Arrays.copyOf(whole, 40)); // cut in the list of classes
    damaged.add(Arrays.copyOf(whole, whole.length - 100)); // cut in the last text, watch's coloured one
    byte[] otherFormat = whole.clone();
    otherFormat[3]++;
    damaged.add(otherFormat);
    for (byte[] bytes : damaged) {
      StoredUsage.Resources resources = name -> name.equals(StoredUsage.RESOURCE)
          ? new ByteArrayInputStream(bytes) : CLASS_PATH.open(name);
      assertThat(new StoredUsage(resources).text(true, "watch", "--help")).isEmpty();
    }
    assertThat(new StoredUsage(CLASS_PATH).text(false, "--help")).contains(StoredUsage.live(Ansi.OFF, "--help"));
  }
}
