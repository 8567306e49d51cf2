package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configs written by an attacker (issue 14, problems 1, 8, 10 and 11): account fields that would add lines to {@code
 * /etc/passwd}, {@code /etc/shadow} or {@code /etc/group}, includes of host files, environment and label keys that
 * would forge entries, a relative work-dir, and newlines that would forge lines of the error itself.
 */
class HostileConfigTest {
  @TempDir Path dir;

  private ConfigException refused(String yaml) throws Exception {
    Files.writeString(dir.resolve("c.yaml"), yaml);
    return catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(dir).load("c.yaml"));
  }

  private static String users(String fields) {
    return "accounts:\n  users:\n    - {" + fields + "}\n";
  }

  @Test
  void userNameWithPasswdFieldsAndANewlineIsRefusedNamingTheField() throws Exception {
    ConfigException e = refused(users("username: \"evil:x:0:0:root:/:/bin/sh\\nroot2\", uid: 1000"));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .startsWith("c.yaml:3:18: accounts.users[0].username: is not a valid account name")
        .doesNotContain("\n");
  }

  @Test
  void shellOrHomeWithANewlineOrColonIsRefused() throws Exception {
    ConfigException shell = refused(users("username: app, uid: 1000, shell: \"/bin/sh\\nhacker::0:0::/:/bin/sh\""));
    ConfigException home = refused(users("username: app, uid: 1000, homedir: \"/home/app:0:0\""));

    assertThat(shell.field()).isEqualTo("accounts.users[0].shell");
    assertThat(shell.problem()).contains("must not contain ':' or control characters");
    assertThat(home.field()).isEqualTo("accounts.users[0].homedir");
  }

  @Test
  void groupNameAndMembersFollowTheAccountNameRule() throws Exception {
    ConfigException name = refused("accounts:\n  groups:\n    - {groupname: \"g:x:0:\", gid: 10}\n");
    ConfigException member =
        refused("accounts:\n  groups:\n    - {groupname: g, gid: 10, members: [ok, \"root,evil\"]}\n");
    ConfigException tooLong = refused("accounts:\n  groups:\n    - {groupname: " + "g".repeat(33) + ", gid: 10}\n");

    assertThat(name.field()).isEqualTo("accounts.groups[0].groupname");
    assertThat(member.field()).isEqualTo("accounts.groups[0].members[1]");
    assertThat(tooLong.problem()).contains("at most 32 characters");
  }

  @Test
  void runAsMustBeANameOrANumber() throws Exception {
    ConfigException forged = refused("accounts:\n  run-as: \"evil:x:0:0\"\n");
    ConfigException huge = refused("accounts:\n  run-as: \"4294967296\"\n");

    assertThat(forged.field()).isEqualTo("accounts.run-as");
    assertThat(forged.problem()).startsWith("must be a user name or a numeric uid");
    assertThat(huge.problem()).contains("out of range");
  }

  @Test
  void wellFormedAccountsStillLoad() throws Exception {
    Files.writeString(
        dir.resolve("c.yaml"),
        users("username: build_bot$, uid: 1000, shell: /sbin/nologin, homedir: /var/lib/bot")
            + "  groups:\n    - {groupname: ci.runners, gid: 10, members: [build_bot$]}\n  run-as: build_bot$\n");

    assertThat(new ConfigLoader(dir).load("c.yaml").config().accounts().runAs()).contains("build_bot$");
  }

  @Test
  void includeOfAHostFileIsRefusedWithoutReadingIt() throws Exception {
    ConfigException absolute = refused("include: /etc/passwd\n");
    Path deep = Files.createDirectories(dir.resolve("a/b/c"));
    Files.writeString(deep.resolve("c.yaml"), "include: ../../../../../../../../etc/shadow\n");
    ConfigException relative =
        catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(deep).load("c.yaml"));

    assertThat(absolute.getMessage())
        .startsWith("c.yaml:1:10: include: cannot include \"/etc/passwd\": only YAML files")
        .doesNotContain("root:");
    if (Files.exists(Path.of("/etc/shadow"))) {
      assertThat(relative.getMessage()).contains("cannot include").doesNotContain("root:");
    }
  }

  @Test
  void includeThroughASymlinkOutOfTheTreeIsRefused() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(outside.resolve("secret.yaml"), "cmd: \"token-123\"\nbogus: [1]\n");
    Files.createSymbolicLink(tree.resolve("base.yaml"), outside.resolve("secret.yaml"));
    Files.writeString(tree.resolve("c.yaml"), "include: base.yaml\n");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(tree).load("c.yaml"));

    assertThat(e.getMessage()).contains("cannot include \"base.yaml\"").doesNotContain("token-123");
  }

  @Test
  void anErrorInAnIncludedFileNeverQuotesItsContents() throws Exception {
    Files.writeString(dir.resolve("base.yaml"), "root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\n");
    Files.writeString(dir.resolve("keys.yaml"), "password-of-root: hunter2\n");
    Files.writeString(dir.resolve("arch.yaml"), "archs: [\"s3cr3t\"]\n");

    ConfigException scalar = refused("include: base.yaml\n");
    ConfigException key = refused("include: keys.yaml\n");
    ConfigException value = refused("include: arch.yaml\n");

    assertThat(scalar.getMessage())
        .startsWith("base.yaml:1:1: expected a mapping, found \"…\"")
        .doesNotContain("root:x");
    assertThat(key.getMessage()).contains("unknown key").doesNotContain("hunter2");
    assertThat(value.getMessage()).startsWith("arch.yaml:1:9: archs[0]: unknown architecture \"…\"")
        .doesNotContain("s3cr3t");
  }

  @Test
  void includeThroughAnIncludePathStillWorks() throws Exception {
    // A sibling of the working directory, named by a relative include path (both inside this test's own folder).
    Path common = Files.createDirectories(dir.resolve("common"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(common.resolve("base.yaml"), "cmd: from-include-path\n");
    Files.writeString(work.resolve("c.yaml"), "include: base.yaml\n");

    LoadedConfig c = new ConfigLoader(work, List.of(Path.of("../common"))).load("c.yaml");

    assertThat(c.config().cmd()).contains("from-include-path");
  }

  @Test
  void environmentKeysMustBeNames() throws Exception {
    ConfigException empty = refused("environment:\n  \"\": x\n");
    ConfigException equals = refused("environment:\n  BAD=KEY: x\n");

    assertThat(empty.getMessage()).startsWith("c.yaml:2:3: environment.: environment variable name is invalid");
    assertThat(equals.field()).isEqualTo("environment.BAD=KEY");
  }

  @Test
  void labelKeysFollowOciRulesAndANewlineInOneIsEscaped() throws Exception {
    ConfigException e = refused("annotations:\n  \"org.example\\nforged: yes\": x\n");

    assertThat(e.getMessage())
        .isEqualTo(
            "c.yaml:2:3: annotations.org.example\\nforged: yes: label key is invalid: it must match"
                + " [A-Za-z0-9][A-Za-z0-9._/-]* and be at most 256 characters");
  }

  @Test
  void workDirMustBeAbsolute() throws Exception {
    ConfigException e = refused("work-dir: ../../etc\n");

    assertThat(e.getMessage()).isEqualTo("c.yaml:1:11: work-dir: must be an absolute path");
  }

  @Test
  void valuesThatBecomeLinesOfImageFilesOrLogsCarryNoControlCharacters() throws Exception {
    ConfigException world = refused("contents:\n  packages: [\"busybox\\nevil\"]\n");
    ConfigException spaced = refused("contents:\n  packages: [\"a b\"]\n");
    ConfigException repo = refused("contents:\n  repositories: [\"https://x\\nforged\"]\n");
    ConfigException path = refused("paths:\n  - {path: \"/a\\nb\", type: directory}\n");

    assertThat(world.field()).isEqualTo("contents.packages[0]");
    assertThat(spaced.problem()).startsWith("must be one word");
    assertThat(repo.problem()).isEqualTo("must not contain control characters");
    assertThat(path.field()).isEqualTo("paths[0].path");
  }

  @Test
  void theRecordsRefuseWhatTheDecoderRefuses() {
    assertThat(catchThrowableOfType(
            IllegalArgumentException.class,
            () -> ImageConfig.builder().environment(java.util.Map.of("A=B", "x")).build()))
        .hasMessageContaining("environment variable name is invalid");
    assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new User("root\nx", 1)))
        .hasMessageStartingWith("username is not a valid account name");
    assertThat(ImageConfig.labelKeyProblem("org.opencontainers.image.title")).isEmpty();
  }
}
