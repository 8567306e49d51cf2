package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.apk.repo.HostileRepository;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.testing.TarTrees;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, tried as an attacker would, through the CLI: validly signed packages from a malicious signer (made by
 * {@link HostileRepository}) and hostile configs. Each is refused with exit 2 and a one-line message naming the
 * culprit (no stack trace, no exit 1), or handled safely where that is the right answer; nothing is written outside
 * the output. One test per problem of the issue, in its order (2 and 6 also have tests in core and below).
 */
class HostileInputTest {
  @TempDir Path dir;
  private HostileRepository repo;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void setUp() throws Exception {
    repo = new HostileRepository(dir.resolve("repo"));
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return ApkoClientCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), null, args);
  }

  private void config(String extra, String... packages) throws Exception {
    Files.writeString(
        dir.resolve("c.yaml"),
        "contents:\n  repositories: [./repo]\n  keyring: [./repo/" + HostileRepository.KEY_NAME + "]\n  packages: ["
            + String.join(", ", packages) + "]\narchs: [x86_64]\n" + extra);
  }

  /** {@code build-minirootfs} of c.yaml; returns the exit code. */
  private int build(String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "-C", dir.toString(), "build-minirootfs", "c.yaml", "rootfs.tar.gz", "--arch", "amd64",
        "--cache-dir", dir.resolve("cache").toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /** Exit 2 with one "error:" line holding {@code expected}, and no trace of an exception. */
  private void assertRefused(int rc, String expected) {
    assertThat(rc).as(err.toString()).isEqualTo(2);
    String text = err.toString();
    assertThat(text).startsWith("error: ").contains(expected);
    assertThat(text.lines().filter(l -> l.startsWith("error: ")).count()).isEqualTo(1);
    assertThat(text).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("--debug");
  }

  // ---- 1: accounts ---------------------------------------------------------------------------------------------

  @Test
  void accountFieldsCannotAddLinesToPasswdShadowOrGroup() throws Exception {
    repo.pkg("base", "1.0-r0").dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n").write();
    repo.writeIndex();
    String[] hostile = {
      "accounts:\n  users:\n    - {username: \"evil:x:0:0:root:/:/bin/sh\\nroot2\", uid: 1000}\n",
      "accounts:\n  users:\n    - {username: app, uid: 1000, shell: \"/bin/sh\\nhacker::0:0::/:/bin/sh\"}\n",
      "accounts:\n  groups:\n    - {groupname: \"g:x:0:\", gid: 10}\n",
      "accounts:\n  run-as: \"evil:x:0:0\"\n",
    };
    String[] fields = {"accounts.users[0].username", "accounts.users[0].shell", "accounts.groups[0].groupname",
        "accounts.run-as"};
    for (int i = 0; i < hostile.length; i++) {
      config(hostile[i], "base");
      assertRefused(build(), "c.yaml:");
      assertThat(err.toString()).as(hostile[i]).contains(fields[i]);
    }
    assertThat(dir.resolve("rootfs.tar.gz")).doesNotExist();
  }

  @Test
  void runAsANameNoUserHasIsRefusedAtBuildTime() throws Exception {
    repo.pkg("base", "1.0-r0").dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n").write();
    repo.writeIndex();
    config("accounts:\n  run-as: nobody-here\n", "base");

    assertRefused(build(), "accounts.run-as: \"nobody-here\" is neither a user of the config nor in the image's");
  }

  // ---- 2: deep directories -------------------------------------------------------------------------------------

  @Test
  void tenThousandLevelPackageIsRefusedByThePathDepthLimit() throws Exception {
    HostileRepository.Package deep = repo.pkg("deep", "1.0-r0");
    StringBuilder path = new StringBuilder("d");
    for (int i = 0; i < 10_000; i++) {
      deep.dir(path.toString());
      path.append("/d");
    }
    deep.write();
    repo.writeIndex();
    config("", "deep");

    assertRefused(build(), "package deep-1.0-r0: data section entry");
    assertThat(err.toString()).contains("is 257 levels deep, more than 256 (--max-path-depth)");
  }

  // ---- 3: newline in a file name -------------------------------------------------------------------------------

  @Test
  void newlineInAPackagedFileNameCannotForgeTheApkDatabase() throws Exception {
    repo.pkg("evil", "1.0-r0").dir("x").file("x/a\n\nC:Q1AAAA\nP:busybox\nV:99.0\nR:evil", "x").write();
    repo.pkg("ctl", "1.0-r0").dir("y").file("y/bad\u0001ctl", "x").write();
    repo.writeIndex();

    config("", "evil");
    assertRefused(build(), "package evil-1.0-r0: data section entry \"x/a\\n\\nC:Q1AAAA\\nP:busybox\\nV:99.0\\nR:evil\"");
    assertThat(err.toString()).contains("has a control character in its name");

    config("", "ctl");
    assertRefused(build(), "package ctl-1.0-r0: data section entry \"y/bad\\x01ctl\" has a control character");
  }

  // ---- 4: package names from the index -------------------------------------------------------------------------

  @Test
  void packageNameFromTheIndexIsValidatedAndNothingIsOpenedOrWritten() throws Exception {
    Path outside = dir.resolve("outside");
    repo.rawRecord("C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:../../../outside/pwn\nV:1.0-r0\nA:x86_64\nS:1\nT:x\nt:1");
    repo.writeIndex();
    config("", "pwn");

    assertRefused(build(), "package name \"../../../outside/pwn\" is invalid");

    int lock = run("-C", dir.toString(), "lock", "c.yaml", "--arch", "amd64", "--cache-dir",
        dir.resolve("cache").toString(), "--output", "c.lock.json");
    assertRefused(lock, "package name \"../../../outside/pwn\" is invalid");
    assertThat(dir.resolve("c.lock.json")).doesNotExist();
    assertThat(outside).doesNotExist();
  }

  @Test
  void anImpossibleWorldIsRefusedWithApksExplanation() throws Exception {
    repo.rawRecord("C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:a\nV:1-r0\nA:x86_64\nS:1\nT:x\nt:1\np:x=1");
    repo.rawRecord("C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:b\nV:1-r0\nA:x86_64\nS:1\nT:x\nt:1\np:x=2");
    repo.writeIndex();
    config("", "a", "b");

    int lock = run("-C", dir.toString(), "lock", "c.yaml", "--arch", "amd64", "--cache-dir",
        dir.resolve("cache").toString(), "--output", "c.lock.json");
    assertRefused(lock, "unable to select packages:");
    assertThat(err.toString()).contains("b-1-r0:").contains("satisfies: world[b]").contains("conflicts: a-1-r0[x]");
    assertThat(dir.resolve("c.lock.json")).doesNotExist();
  }

  // ---- 5: decompression bombs ----------------------------------------------------------------------------------

  @Test
  void decompressionBombIsRefusedByTheExpansionRatioBeforeItIsWrittenOut() throws Exception {
    repo.pkg("bomb", "1.0-r0").dir("b").zeros("b/zeros", 256L << 20).write();
    repo.writeIndex();
    config("", "bomb");

    assertRefused(build(), "package bomb-1.0-r0: ");
    assertThat(err.toString()).contains("times its compressed size (--max-apk-expansion-ratio)");
  }

  @Test
  void packageAndImageSizeAndFileCountLimitsAreRefusedNamingPackageAndLimit() throws Exception {
    repo.pkg("big", "1.0-r0").dir("b").zeros("b/one", 2 << 20).file("b/two", "2").file("b/three", "3").write();
    repo.pkg("other", "1.0-r0").dir("o").zeros("o/one", 2 << 20).write();
    repo.writeIndex();
    config("", "big", "other");

    assertRefused(build("--max-apk-data-size", "1048576"), "package big-1.0-r0: ");
    assertThat(err.toString()).contains("(--max-apk-data-size)");
    assertRefused(build("--max-apk-files", "3"), "package big-1.0-r0: data section has more than 3 entries (--max-apk-files)");
    assertRefused(build("--max-image-size", String.valueOf(3 << 20)), "package ");
    assertThat(err.toString()).contains("add up to more than 3145728 bytes (--max-image-size)");
    assertThat(build("--max-apk-data-size", "-1", "--max-image-size", "0")).as(err.toString()).isZero();
  }

  // ---- 7: the same path twice ----------------------------------------------------------------------------------

  @Test
  void samePathTwiceInOnePackageBuildsWithTheLaterCopyAsApkoDoes() throws Exception {
    repo.pkg("dup", "1.0-r0").dir("etc").file("etc/dup", "first\n").file("etc/dup", "second\n").write();
    repo.writeIndex();
    config("", "dup");

    assertThat(build()).as(err.toString()).isZero();

    ImageTree rootfs = TarTrees.read(dir.resolve("rootfs.tar.gz"));
    assertThat(new String(rootfs.readFile("etc/dup"), StandardCharsets.UTF_8)).isEqualTo("second\n");
  }

  // ---- 8: include of a host file -------------------------------------------------------------------------------

  @Test
  void includeOfAHostFileIsRefusedWithoutPrintingIt() throws Exception {
    Files.writeString(dir.resolve("c.yaml"), "include: /etc/passwd\n");

    assertRefused(run("-C", dir.toString(), "show-config", "c.yaml"), "cannot include \"/etc/passwd\"");
    assertThat(err.toString()).doesNotContain("root:");

    Files.writeString(dir.resolve("c.yaml"), "include: ../../../../../../../../../../etc/shadow\n");
    assertRefused(run("-C", dir.toString(), "show-config", "c.yaml"), "include: ");
    assertThat(err.toString()).doesNotContain("root:");
  }

  // ---- 9: .PKGINFO numbers -------------------------------------------------------------------------------------

  @Test
  void pkginfoNumbersOutOfRangeAreRefused() throws Exception {
    String[][] cases = {
      {"size", "lots"}, {"size", "12345678901234567890123"}, {"size", "-5"}, {"builddate", "99999999999999"}
    };
    for (int i = 0; i < cases.length; i++) {
      repo.pkg("num" + i, "1.0-r0").pkginfo(cases[i][0], cases[i][1]).dir("n").write();
    }
    repo.writeIndex();
    for (int i = 0; i < cases.length; i++) {
      config("", "num" + i);
      assertRefused(build(), "package num" + i + "-1.0-r0: .PKGINFO " + cases[i][0] + " \"" + cases[i][1] + "\"");
    }
  }

  // ---- 10: environment, labels, work-dir -----------------------------------------------------------------------

  @Test
  void environmentKeysLabelKeysAndWorkDirAreValidated() throws Exception {
    String[] hostile = {
      "environment:\n  \"\": empty\n", "environment:\n  BAD=KEY: x\n", "annotations:\n  \"a\\nb\": x\n",
      "work-dir: ../../etc\n"
    };
    for (String h : hostile) {
      config(h, "base");
      assertRefused(build(), "c.yaml:");
    }
    config("", "base");
    assertRefused(build("--annotations", "bad key:x"), "annotation \"bad key\": label key is invalid");
  }

  // ---- 11: control characters in error text --------------------------------------------------------------------

  @Test
  void newlinesFromHostileNamesAreEscapedInErrorText() throws Exception {
    repo.rawRecord("C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:evil\u001b[2J\nV:1.0-r0\nT:x");
    repo.writeIndex();
    config("", "evil");
    int rc = build();
    config("environment:\n  \"X\\nerror: forged line\": x\n", "evil");
    int rc2 = build();

    assertThat(rc).isEqualTo(2);
    assertThat(rc2).isEqualTo(2);
    assertThat(err.toString().lines()).noneMatch(l -> l.startsWith("error: forged"));
    assertThat(err.toString()).contains("X\\nerror: forged line").doesNotContain("\u001b");
  }

  @Test
  void aControlCharacterInAnIndexLineIsRefused() throws Exception {
    repo.rawRecord("C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:evil\u001b[2J\nV:1.0-r0\nT:x");
    repo.writeIndex();
    config("", "evil");

    assertRefused(build(), "APKINDEX line 2 has a control character");
    assertThat(err.toString()).doesNotContain("\u001b");
  }

  @Test
  void nothingIsWrittenOutsideTheOutput() throws Exception {
    repo.pkg("evil", "1.0-r0").dir("x").file("x/a\nb", "x").write();
    repo.writeIndex();
    config("", "evil");
    List<Path> before;
    try (Stream<Path> s = Files.walk(dir.getParent(), 1)) {
      before = s.toList();
    }

    build();

    try (Stream<Path> s = Files.walk(dir.getParent(), 1)) {
      assertThat(s.toList()).containsExactlyInAnyOrderElementsOf(before);
    }
    assertThat(dir.resolve("rootfs.tar.gz")).doesNotExist();
  }
}
