package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.apkofarm.core.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  /** Errors whose whole message is known: each names file, line, column and field path, and says what is wrong. */
  static Stream<Arguments> exactMessages() {
    return Stream.of(
        arguments(
            "unknown key: lists the allowed ones and suggests the closest",
            "c.yaml", "contents:\n  repositories: [a]\n  pakages: [b]\n",
            "c.yaml:3:3: contents.pakages: unknown key (did you mean packages? allowed: build_repositories,"
                + " runtime_repositories, repositories, keyring, runtime_keyring, packages, baseimage)"),
        arguments(
            "wrong type: a list expected", "c.yaml", "archs: amd64\n",
            "c.yaml:1:8: archs: expected a list, found \"amd64\""),
        arguments(
            "wrong type: a string expected", "c.yaml", "contents:\n  packages:\n    - {name: x}\n",
            "c.yaml:3:7: contents.packages[0]: expected a string, found a mapping"),
        arguments(
            "wrong type: a mapping expected", "c.yaml", "entrypoint: /bin/sh\n",
            "c.yaml:1:13: entrypoint: expected a mapping, found \"/bin/sh\""),
        arguments(
            "wrong type: a mapping of names to values expected", "c.yaml", "environment: [A=1]\n",
            "c.yaml:1:14: environment: expected a mapping of names to values, found a list"),
        arguments(
            "a quoted number is not an integer",
            "c.yaml", "accounts:\n  users:\n    - username: a\n      uid: \"1000\"\n",
            "c.yaml:4:12: accounts.users[0].uid: expected an integer, found the string \"1000\" (remove the quotes)"),
        arguments(
            "bad octal permission", "p.yaml", "paths:\n  - path: /x\n    type: directory\n    permissions: 0o789\n",
            "p.yaml:4:18: paths[0].permissions: bad octal permission \"0o789\" (write it like 0o755 or 0o4755)"),
        arguments(
            "permission out of range",
            "p.yaml", "paths:\n  - path: /x\n    type: directory\n    permissions: 0o17777\n",
            "p.yaml:4:18: paths[0].permissions: bad octal permission 0o17777: must be between 0o0 and 0o7777"),
        arguments(
            "unknown path type", "p.yaml", "paths:\n  - path: /x\n    type: fifo\n",
            "p.yaml:3:11: paths[0].type: unknown type \"fifo\" (known: directory, empty-file, hardlink, symlink,"
                + " permissions)"),
        arguments(
            "a symlink without a source", "p.yaml", "paths:\n  - path: /x\n    type: symlink\n",
            "p.yaml:2:5: paths[0]: a symlink needs a source"),
        arguments(
            "a required field missing", "u.yaml", "accounts:\n  users:\n    - uid: 5\n",
            "u.yaml:3:7: accounts.users[0].username: is required"),
        arguments(
            "an unbalanced quote in a command", "q.yaml", "entrypoint:\n  command: echo 'oops\n",
            "q.yaml:2:12: entrypoint.command: cannot split into words: has an unclosed quote"),
        arguments(
            "unknown entrypoint type", "e.yaml", "entrypoint:\n  type: systemd\n",
            "e.yaml:2:9: entrypoint.type: unknown entrypoint type \"systemd\" (only service-bundle)"),
        arguments(
            "unknown format", "f.yaml", "format: squashfs\n",
            "f.yaml:1:9: format: unknown format \"squashfs\" (known: tar, erofs)"),
        arguments(
            "unknown layering strategy", "l.yaml", "layering:\n  strategy: size\n",
            "l.yaml:2:13: layering.strategy: unknown layering strategy \"size\" (known: origin)"),
        arguments(
            "a layering budget without a strategy", "l.yaml", "layering:\n  budget: 3\n",
            "l.yaml:2:11: layering.budget: a budget needs strategy: origin"),
        arguments(
            "a duplicate key name",
            "k.yaml",
            "contents:\n  runtime_keyring:\n    - name: a.pub\n      content: x\n    - name: a.pub\n      content: y\n",
            "k.yaml:5:7: contents.runtime_keyring[1]: duplicate name \"a.pub\" (first at line 3)"),
        arguments(
            "a base image forbids image settings",
            "b.yaml", "contents:\n  baseimage:\n    image: ./img\n    apkindex: ./idx\ncmd: /bin/sh\n",
            "b.yaml:3:5: contents.baseimage: with a base image only contents, archs and include may be set (also"
                + " set: cmd)"),
        arguments(
            "erofs refuses layering", "x.yaml", "format: erofs\nlayering: {}\n",
            "x.yaml:2:11: layering: layering is not supported with format erofs yet (use one or the other)"),
        arguments(
            "a duplicate YAML key", "y.yaml", "cmd: a\nwork-dir: /x\ncmd: b\n",
            "y.yaml:3:1: duplicate key \"cmd\" (first at line 1)"),
        arguments(
            "an empty file", "e.yaml", "# nothing\n",
            "e.yaml: the file is empty; an apko config is a YAML mapping"),
        arguments(
            "a document that is not a mapping", "l.yaml", "- a\n",
            "l.yaml:1:1: expected a mapping, found a list"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exactMessages")
  void saysWhereAndWhat(String what, String file, String yaml, String message) throws Exception {
    assertThat(failure(file, yaml).getMessage()).isEqualTo(message);
  }

  /** Errors whose message goes on with a list or a parser's own words: how they start is checked. */
  static Stream<Arguments> messageStarts() {
    return Stream.of(
        arguments(
            "an unknown top-level key", "c.yaml", "options: {}\n",
            "c.yaml:1:1: options: unknown key (allowed: contents, entrypoint, cmd,"),
        arguments(
            "a quoted permission",
            "p.yaml", "paths:\n  - path: /x\n    type: directory\n    permissions: '0o755'\n",
            "p.yaml:4:18: paths[0].permissions: expected an octal permission like 0o755"),
        arguments(
            "an unknown arch", "a.yaml", "archs:\n  - amd64\n  - sparc64\n",
            "a.yaml:3:5: archs[1]: unknown architecture \"sparc64\" (known: 386 (x86),"),
        arguments(
            "an invalid certificate name",
            "c.yaml", "certificates:\n  additional:\n    - name: ../evil\n      content: x\n",
            "c.yaml:3:13: certificates.additional[0].name: name \"../evil\" is invalid, it must match"),
        arguments(
            "malformed YAML", "y.yaml", "contents:\n  packages: [a\n", "y.yaml:3:1: invalid YAML: "),
        arguments(
            "a second YAML document", "y.yaml", "cmd: a\n---\ncmd: b\n",
            "y.yaml:3:1: a second YAML document starts here"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messageStarts")
  void saysWhereAndBeginsWithWhat(String what, String file, String yaml, String messageStart) throws Exception {
    assertThat(failure(file, yaml).getMessage()).startsWith(messageStart);
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
