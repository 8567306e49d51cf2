package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.apkofarm.core.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every config error names file, line, column and field path, and says what is wrong. */
class ConfigErrorsTest {
  @TempDir Path dir;

  private ConfigException failure(String name, String yaml) throws IOException {
    Files.writeString(dir.resolve(name), yaml);
    return catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(dir).load(name));
  }

  @Test
  void uidZeroUserIsRefusedAtTheUid() throws Exception {
    ConfigException e =
        failure(
            "nginx.yaml",
            """
            contents:
              packages: [nginx]
            accounts:
              users:
                - username: nginx
                  uid: 10000
                - username: sneaky
                  gid: 0
                  uid: 0
            """);

    assertThat(e).isInstanceOf(BadInputException.class);
    assertThat(e.getMessage()).startsWith("nginx.yaml:9:12: accounts.users[1].uid: must not be 0");
    assertThat(e.file()).isEqualTo("nginx.yaml");
    assertThat(e.line()).contains(9);
    assertThat(e.column()).contains(12);
    assertThat(e.field()).isEqualTo("accounts.users[1].uid");
  }

  @Test
  void unknownKeyListsTheAllowedOnesAndSuggestsTheClosest() throws Exception {
    ConfigException e = failure("c.yaml", "contents:\n  repositories: [a]\n  pakages: [b]\n");

    assertThat(e.getMessage())
        .isEqualTo(
            "c.yaml:3:3: contents.pakages: unknown key (did you mean packages? allowed: build_repositories,"
                + " runtime_repositories, repositories, keyring, runtime_keyring, packages, baseimage)");
  }

  @Test
  void unknownTopLevelKey() throws Exception {
    ConfigException e = failure("c.yaml", "options: {}\n");

    assertThat(e.getMessage()).startsWith("c.yaml:1:1: options: unknown key (allowed: contents, entrypoint, cmd,");
  }

  @Test
  void wrongTypeSaysWhatWasExpectedAndFound() throws Exception {
    assertThat(failure("c.yaml", "archs: amd64\n").getMessage())
        .isEqualTo("c.yaml:1:8: archs: expected a list, found \"amd64\"");
    assertThat(failure("c.yaml", "contents:\n  packages:\n    - {name: x}\n").getMessage())
        .isEqualTo("c.yaml:3:7: contents.packages[0]: expected a string, found a mapping");
    assertThat(failure("c.yaml", "entrypoint: /bin/sh\n").getMessage())
        .isEqualTo("c.yaml:1:13: entrypoint: expected a mapping, found \"/bin/sh\"");
    assertThat(failure("c.yaml", "environment: [A=1]\n").getMessage())
        .isEqualTo("c.yaml:1:14: environment: expected a mapping of names to values, found a list");
  }

  @Test
  void quotedNumberIsNotAnInteger() throws Exception {
    ConfigException e = failure("c.yaml", "accounts:\n  users:\n    - username: a\n      uid: \"1000\"\n");

    assertThat(e.getMessage())
        .isEqualTo(
            "c.yaml:4:12: accounts.users[0].uid: expected an integer, found the string \"1000\" (remove the"
                + " quotes)");
  }

  @Test
  void badOctalPermission() throws Exception {
    ConfigException e =
        failure("p.yaml", "paths:\n  - path: /x\n    type: directory\n    permissions: 0o789\n");

    assertThat(e.getMessage())
        .isEqualTo("p.yaml:4:18: paths[0].permissions: bad octal permission \"0o789\" (write it like 0o755 or 0o4755)");
  }

  @Test
  void permissionOutOfRange() throws Exception {
    ConfigException e =
        failure("p.yaml", "paths:\n  - path: /x\n    type: directory\n    permissions: 0o17777\n");

    assertThat(e.getMessage())
        .isEqualTo("p.yaml:4:18: paths[0].permissions: bad octal permission 0o17777: must be between 0o0 and 0o7777");
  }

  @Test
  void quotedPermission() throws Exception {
    ConfigException e =
        failure("p.yaml", "paths:\n  - path: /x\n    type: directory\n    permissions: '0o755'\n");

    assertThat(e.getMessage()).startsWith("p.yaml:4:18: paths[0].permissions: expected an octal permission like 0o755");
  }

  @Test
  void unknownPathTypeAndMissingLinkSource() throws Exception {
    assertThat(failure("p.yaml", "paths:\n  - path: /x\n    type: fifo\n").getMessage())
        .isEqualTo(
            "p.yaml:3:11: paths[0].type: unknown type \"fifo\" (known: directory, empty-file, hardlink, symlink,"
                + " permissions)");
    assertThat(failure("p.yaml", "paths:\n  - path: /x\n    type: symlink\n").getMessage())
        .isEqualTo("p.yaml:2:5: paths[0]: a symlink needs a source");
  }

  @Test
  void unknownArch() throws Exception {
    ConfigException e = failure("a.yaml", "archs:\n  - amd64\n  - sparc64\n");

    assertThat(e.getMessage()).startsWith("a.yaml:3:5: archs[1]: unknown architecture \"sparc64\" (known: 386 (x86),");
  }

  @Test
  void missingRequiredField() throws Exception {
    ConfigException e = failure("u.yaml", "accounts:\n  users:\n    - uid: 5\n");

    assertThat(e.getMessage()).isEqualTo("u.yaml:3:7: accounts.users[0].username: is required");
  }

  @Test
  void unbalancedQuoteInCommand() throws Exception {
    ConfigException e = failure("q.yaml", "entrypoint:\n  command: echo 'oops\n");

    assertThat(e.getMessage())
        .isEqualTo("q.yaml:2:12: entrypoint.command: cannot split into words: has an unclosed quote");
  }

  @Test
  void unknownEntrypointTypeFormatAndStrategy() throws Exception {
    assertThat(failure("e.yaml", "entrypoint:\n  type: systemd\n").getMessage())
        .isEqualTo("e.yaml:2:9: entrypoint.type: unknown entrypoint type \"systemd\" (only service-bundle)");
    assertThat(failure("f.yaml", "format: squashfs\n").getMessage())
        .isEqualTo("f.yaml:1:9: format: unknown format \"squashfs\" (known: tar, erofs)");
    assertThat(failure("l.yaml", "layering:\n  strategy: size\n").getMessage())
        .isEqualTo("l.yaml:2:13: layering.strategy: unknown layering strategy \"size\" (known: origin)");
    assertThat(failure("l.yaml", "layering:\n  budget: 3\n").getMessage())
        .isEqualTo("l.yaml:2:11: layering.budget: a budget needs strategy: origin");
  }

  @Test
  void invalidCertificateAndKeyNames() throws Exception {
    assertThat(failure("c.yaml", "certificates:\n  additional:\n    - name: ../evil\n      content: x\n").getMessage())
        .startsWith("c.yaml:3:13: certificates.additional[0].name: name \"../evil\" is invalid, it must match");
    assertThat(
            failure(
                    "k.yaml",
                    "contents:\n  runtime_keyring:\n    - name: a.pub\n      content: x\n    - name: a.pub\n      content: y\n")
                .getMessage())
        .isEqualTo("k.yaml:5:7: contents.runtime_keyring[1]: duplicate name \"a.pub\" (first at line 3)");
  }

  @Test
  void baseImageForbidsImageSettings() throws Exception {
    ConfigException e =
        failure("b.yaml", "contents:\n  baseimage:\n    image: ./img\n    apkindex: ./idx\ncmd: /bin/sh\n");

    assertThat(e.getMessage())
        .isEqualTo(
            "b.yaml:3:5: contents.baseimage: with a base image only contents, archs and include may be set (also"
                + " set: cmd)");
  }

  @Test
  void erofsRefusesLayering() throws Exception {
    ConfigException e = failure("x.yaml", "format: erofs\nlayering: {}\n");

    assertThat(e.getMessage())
        .isEqualTo("x.yaml:2:11: layering: layering is not supported with format erofs yet (use one or the other)");
  }

  @Test
  void malformedYamlAndDuplicateKeys() throws Exception {
    assertThat(failure("y.yaml", "contents:\n  packages: [a\n").getMessage()).startsWith("y.yaml:3:1: invalid YAML: ");
    assertThat(failure("y.yaml", "cmd: a\nwork-dir: /x\ncmd: b\n").getMessage())
        .isEqualTo("y.yaml:3:1: duplicate key \"cmd\" (first at line 1)");
    assertThat(failure("y.yaml", "cmd: a\n---\ncmd: b\n").getMessage())
        .startsWith("y.yaml:3:1: a second YAML document starts here");
  }

  @Test
  void emptyFileAndNonMappingDocument() throws Exception {
    assertThat(failure("e.yaml", "# nothing\n").getMessage())
        .isEqualTo("e.yaml: the file is empty; an apko config is a YAML mapping");
    assertThat(failure("l.yaml", "- a\n").getMessage()).isEqualTo("l.yaml:1:1: expected a mapping, found a list");
  }

  @Test
  void missingFileAndNonUtf8() throws Exception {
    assertThat(catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(dir).load("nope.yaml")).getMessage())
        .isEqualTo("nope.yaml: no such file (looked in " + dir.toAbsolutePath().normalize() + ")");
    Files.write(dir.resolve("bin.yaml"), new byte[] {'c', 'm', 'd', ':', ' ', (byte) 0xff, '\n'});
    assertThat(catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(dir).load("bin.yaml")).getMessage())
        .isEqualTo("bin.yaml: not UTF-8 text");
  }

  @Test
  void messagesNameTheFileAsTheUserWroteIt() throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/c.yaml"), "volumes: {a: b}\n", StandardCharsets.UTF_8);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(dir).load("sub/c.yaml"));

    assertThat(e.getMessage()).isEqualTo("sub/c.yaml:1:10: volumes: expected a list, found a mapping");
  }
}
