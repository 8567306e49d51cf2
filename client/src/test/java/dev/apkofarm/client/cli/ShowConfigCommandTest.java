package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apkofarm.core.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apko-client show-config}: the effective config on stdout, bad configs as exit 2 with one clear line. */
class ShowConfigCommandTest {
  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(ApkoClientCommand::newCommandLine, args);
  }

  /** Writes {@code yaml} to bad.yaml and runs {@code -C DIR show-config OPTIONS... bad.yaml}. */
  private CliRun showConfig(String yaml, String... options) throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), yaml);
    List<String> args = new ArrayList<>(List.of("-C", dir.toString(), "show-config"));
    args.addAll(List.of(options));
    args.add("bad.yaml");
    return run(args.toArray(String[]::new));
  }

  @Test
  void printsTheNormalisedGoldenConfig() {
    Path config = Fixtures.apkoCli().resolve("testdata/apko.yaml");

    CliRun r = run("show-config", config.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            """
            contents:
              repositories:
                - ./testdata/packages
              keyring:
                - ./testdata/melange.rsa.pub
              packages:
                - replayout
            entrypoint:
              command: /bin/sh -l
            archs:
              - amd64
              - arm64
            environment:
              PATH: /usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin
              SSL_CERT_FILE: /etc/ssl/certs/ca-certificates.crt
            """);
  }

  @Test
  void resolvesTheConfigAgainstDashC() {
    CliRun r = run("-C", Fixtures.apkoCli().toString(), "show-config", "--json", "testdata/apko.yaml");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"archs\" : [ \"amd64\", \"arm64\" ]");
  }

  @Test
  void jsonOutputIsJson() throws Exception {
    CliRun r = showConfig("paths: [{path: /x, type: directory, permissions: 0o700}]\n", "--json");

    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.at("/paths/0/permissions").asInt()).isEqualTo(0700);
    assertThat(json.at("/environment/PATH").asText())
        .isEqualTo("/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin");
  }

  @Test
  void serviceBundleShowsItsCommandAndS6() throws Exception {
    CliRun r = showConfig("entrypoint:\n  type: service-bundle\n  services: {web: /bin/web}\n");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("  command: /bin/s6-svscan /sv\n", "  packages:\n    - s6\n");
  }

  @Test
  void unknownKeyExitsTwoWithPositionAndField() throws Exception {
    assertBadInput(
        showConfig("contents:\n  packages: [a]\n  pakages: [b]\n"),
        "error: bad.yaml:3:3: contents.pakages: unknown key (did you mean packages?");
  }

  @Test
  void wrongTypeExitsTwoWithPositionAndField() throws Exception {
    assertBadInput(showConfig("archs: amd64\n"), "error: bad.yaml:1:8: archs: expected a list, found \"amd64\"");
  }

  @Test
  void badOctalPermissionExitsTwoWithPositionAndField() throws Exception {
    assertBadInput(
        showConfig("paths:\n  - path: /x\n    type: directory\n    permissions: 0o999\n"),
        "error: bad.yaml:4:18: paths[0].permissions: bad octal permission \"0o999\"");
  }

  @Test
  void uidZeroExitsTwoWithPositionAndField() throws Exception {
    assertBadInput(
        showConfig("accounts:\n  users:\n    - username: r\n      uid: 0\n"),
        "error: bad.yaml:4:12: accounts.users[0].uid: must not be 0");
  }

  @Test
  void missingConfigExitsTwo() {
    assertBadInput(run("-C", dir.toString(), "show-config", "nope.yaml"), "error: nope.yaml: no such file");
  }

  @Test
  void debugShowsTheStackTrace() throws Exception {
    CliRun r = showConfig("archs: amd64\n", "--debug");

    assertThat(r.exit()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("error: bad.yaml:1:8: archs:", "at dev.apkofarm.core.config.");
  }

  @Test
  void warningsGoToStderrAndTheConfigStillPrints() throws Exception {
    CliRun r = showConfig("paths:\n  - path: /x\n    type: directory\n    permissions: 755\n");

    assertThat(r.exit()).isZero();
    assertThat(r.err()).startsWith("warning: bad.yaml:4:18: paths[0].permissions: 755 is a decimal number");
    assertThat(r.out()).contains("permissions: 0o1363");
  }

  private static void assertBadInput(CliRun r, String firstLine) {
    assertThat(r.exit()).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith(firstLine);
    assertThat(r.err().strip().lines()).as("one line, no stack trace: " + r.err()).hasSize(1);
  }
}
