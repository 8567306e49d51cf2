package dev.apkofarm.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.fs.TreeException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTreeTest {
  private final ImageTree tree = new ImageTree();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private List<String> walkedPaths() throws Exception {
    List<String> paths = new ArrayList<>();
    tree.walk((path, node) -> paths.add(path));
    return paths;
  }

  @Test
  void normalizesLeadingSlashesDotsAndDoubleSlashes() throws Exception {
    assertThat(ImageTree.normalize("/etc//apk/./keys/")).isEqualTo("etc/apk/keys");
    assertThat(ImageTree.normalize("./usr/lib")).isEqualTo("usr/lib");
    assertThat(ImageTree.normalize("/")).isEmpty();
  }

  @Test
  void refusesDotDotInPaths() {
    assertThatThrownBy(() -> tree.mkdirAll("usr/../../etc", 0755))
        .isInstanceOf(TreeException.class)
        .hasMessageContaining("\"..\" is not allowed")
        .extracting(e -> ((TreeException) e).reason())
        .isEqualTo(Reason.INVALID_PATH);
  }

  @Test
  void walksDepthFirstInByteOrder() throws Exception {
    tree.mkdirAll("etc/apk/keys", 0755);
    tree.writeFile("etc/apko.json", utf8("{}"), 0444);
    tree.writeFile("etc/apk/arch", utf8("x86_64\n"), 0644);
    tree.mkdir("dev", 0755);
    tree.writeFile("etc/Z", new byte[0], 0644);
    tree.writeFile("etc/\uD83D\uDE00", new byte[0], 0644); // beyond the BMP: after U+FFFD in byte order
    tree.writeFile("etc/\uFFFD", new byte[0], 0644);

    assertThat(walkedPaths())
        .containsExactly(
            "dev",
            "etc",
            "etc/Z",
            "etc/apk",
            "etc/apk/arch",
            "etc/apk/keys",
            "etc/apko.json",
            "etc/\uFFFD",
            "etc/\uD83D\uDE00");
  }

  @Test
  void resolvesAbsoluteSymlinkTargetsInsideTheRoot() throws Exception {
    tree.mkdirAll("usr/lib", 0755);
    tree.symlink("/usr/lib", "lib");
    tree.writeFile("lib/libc.so", utf8("elf"), 0755);

    assertThat(tree.lstat("usr/lib/libc.so")).containsInstanceOf(RegularFile.class);
    assertThat(tree.readFile("/lib/libc.so")).isEqualTo(utf8("elf"));
    assertThat(tree.lstat("lib")).containsInstanceOf(Symlink.class);
    assertThat(tree.stat("lib")).containsInstanceOf(Directory.class);
  }

  @Test
  void followsRelativeSymlinksWithDotDotWithinTheRoot() throws Exception {
    tree.mkdirAll("usr/lib/apk", 0755);
    tree.mkdir("lib", 0755);
    tree.symlink("../usr/lib/apk", "lib/apk");
    tree.mkdirAll("lib/apk/db", 0755);

    assertThat(tree.lstat("usr/lib/apk/db")).containsInstanceOf(Directory.class);
  }

  @Test
  void refusesWritesThroughSymlinksThatLeaveTheRoot() throws Exception {
    tree.mkdir("etc", 0755);
    tree.symlink("../../../host-etc", "etc/escape");

    assertThatThrownBy(() -> tree.writeFile("etc/escape/passwd", utf8("root"), 0644))
        .isInstanceOf(TreeException.class)
        .extracting(e -> ((TreeException) e).reason())
        .isEqualTo(Reason.ESCAPES_ROOT);
    assertThatThrownBy(() -> tree.writeFile("etc/escape", utf8("x"), 0644))
        .isInstanceOf(TreeException.class)
        .extracting(e -> ((TreeException) e).reason())
        .isEqualTo(Reason.ESCAPES_ROOT);
    assertThat(tree.stat("etc/escape")).isEmpty();
    assertThat(tree.lstat("etc/escape")).containsInstanceOf(Symlink.class);
  }

  @Test
  void stopsSymlinkLoops() throws Exception {
    tree.symlink("b", "a");
    tree.symlink("a", "b");

    assertThatThrownBy(() -> tree.writeFile("a/x", new byte[0], 0644))
        .isInstanceOf(TreeException.class)
        .extracting(e -> ((TreeException) e).reason())
        .isEqualTo(Reason.TOO_MANY_LINKS);
  }

  @Test
  void mkdirAllKeepsExistingDirectoriesAndFailsOnFiles() throws Exception {
    tree.mkdir("tmp", 01777);
    tree.mkdirAll("tmp/x", 0700);
    tree.writeFile("file", new byte[0], 0644);

    assertThat(tree.get("tmp").mode()).isEqualTo(01777);
    assertThat(tree.get("tmp/x").mode()).isEqualTo(0700);
    assertThatThrownBy(() -> tree.mkdirAll("file/sub", 0755))
        .isInstanceOf(TreeException.class)
        .extracting(e -> ((TreeException) e).reason())
        .isEqualTo(Reason.NOT_A_DIRECTORY);
  }

  @Test
  void rewritingAFileKeepsItsModeOwnerAndTime() throws Exception {
    tree.mkdir("etc", 0755);
    RegularFile f = tree.writeFile("etc/shadow", utf8("a"), 0640);
    f.setOwner(0, 42);
    f.setMtime(1234);

    tree.writeFile("etc/shadow", utf8("bb"), 0644);

    RegularFile again = tree.getFile("etc/shadow");
    assertThat(again.mode()).isEqualTo(0640);
    assertThat(again.gid()).isEqualTo(42);
    assertThat(again.mtime()).isEqualTo(1234);
    assertThat(again.content().readAllBytes()).isEqualTo(utf8("bb"));
  }

  @Test
  void symlinksAndDevicesTakeTheirParentsTime() throws Exception {
    tree.mkdir("bin", 0755);
    tree.chtimes("bin", 99);
    tree.mkdir("dev", 0755);

    assertThat(tree.symlink("/bin/busybox", "bin/sh").mtime()).isEqualTo(99);
    assertThat(tree.mknod("dev/null", true, 1, 3, 0666).mtime()).isZero();
  }

  @Test
  void creatingOverAnExistingEntryFails() throws Exception {
    tree.mkdir("etc", 0755);

    assertThatThrownBy(() -> tree.mkdir("etc", 0755))
        .isInstanceOf(TreeException.class)
        .hasMessage("/etc: already exists");
    assertThatThrownBy(() -> tree.symlink("x", "etc"))
        .extracting(e -> ((TreeException) e).reason())
        .isEqualTo(Reason.EXISTS);
  }

  @Test
  void hardlinksShareOneNodeAndRememberThePackagesLinkName() throws Exception {
    tree.mkdirAll("usr/bin", 0755);
    RegularFile f = tree.writeFile("usr/bin/a", utf8("x"), 0755);
    tree.link("usr/bin/a", "usr/bin/b", "usr/bin/a");

    assertThat(tree.lstat("usr/bin/b")).containsSame(f);
    assertThat(f.hardlinkTargetFor("usr/bin/b")).contains("usr/bin/a");
    assertThat(f.hardlinkTargetFor("usr/bin/a")).isEmpty();
    assertThatThrownBy(() -> tree.link("usr", "dirlink", null))
        .extracting(e -> ((TreeException) e).reason())
        .isEqualTo(Reason.IS_A_DIRECTORY);
  }

  @Test
  void chmodAndChownFollowSymlinks() throws Exception {
    tree.mkdir("data", 0755);
    tree.symlink("data", "alias");

    tree.chmod("alias", 0700);
    tree.chown("alias", 1000, 1000);

    assertThat(tree.get("data").mode()).isEqualTo(0700);
    assertThat(tree.get("data").uid()).isEqualTo(1000);
    assertThat(tree.lstat("alias").orElseThrow().mode()).isEqualTo(0777);
  }

  @Test
  void fileContentsStayInTheFileTheyCameFrom(@TempDir Path dir) throws Exception {
    Path blob = dir.resolve("data.tar");
    Files.write(blob, utf8("headerHELLOtrailer"));
    tree.put("hello", new RegularFile(0644, 0, ContentRef.slice(blob, 6, 5)));

    assertThat(tree.readFile("hello")).isEqualTo(utf8("HELLO"));
    assertThat(tree.getFile("hello").size()).isEqualTo(5);
  }

  @Test
  void appendKeepsTheOldBytesFirst() throws Exception {
    tree.writeFile("bundle.crt", utf8("A\n"), 0644);
    tree.appendFile("bundle.crt", utf8("B\n"));

    assertThat(new String(tree.readFile("bundle.crt"), StandardCharsets.UTF_8)).isEqualTo("A\nB\n");
  }
}
