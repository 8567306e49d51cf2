package dev.apkofarm.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.core.config.ConfigLoader;
import dev.apkofarm.core.config.ImageConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApkoJsonTest {
  @TempDir Path dir;

  private ImageConfig parse(String yaml) throws Exception {
    return new ConfigLoader(dir).parse("apko.yaml", yaml.getBytes(StandardCharsets.UTF_8)).config();
  }

  @Test
  void writesStructsAlwaysAndEverythingElseOnlyWhenSet() throws Exception {
    ImageConfig c = parse("contents:\n  packages: [busybox]\n");

    assertThat(new String(ApkoJson.of(c), StandardCharsets.UTF_8))
        .isEqualTo("{\"contents\":{\"packages\":[\"busybox\"]},\"entrypoint\":{},\"accounts\":{}}\n");
  }

  @Test
  void followsGoFieldOrderPointerFieldsAndHtmlEscaping() throws Exception {
    ImageConfig c =
        parse(
            """
            contents:
              repositories: [https://example.com/repo]
              keyring: [https://example.com/key.rsa.pub]
              packages: [app<2, tini]
            entrypoint:
              command: /sbin/tini -- /app
            cmd: --listen :8080
            work-dir: /srv
            accounts:
              run-as: app
              users:
                - username: app
                  uid: 1000
                  gid: 0
              groups:
                - groupname: root
                  gid: 0
            environment:
              B: "2"
              A: "1 & <2>"
            paths:
              - path: /srv
                type: directory
                uid: 1000
                permissions: 0o755
                recursive: true
            annotations:
              org.opencontainers.image.title: App
            volumes: [/data]
            layering:
              strategy: origin
              budget: 3
            """);

    assertThat(new String(ApkoJson.of(c), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"contents\":{\"repositories\":[\"https://example.com/repo\"],"
                + "\"keyring\":[\"https://example.com/key.rsa.pub\"],\"packages\":[\"app\\u003c2\",\"tini\"]},"
                + "\"entrypoint\":{\"command\":\"/sbin/tini -- /app\"},\"cmd\":\"--listen :8080\","
                + "\"work-dir\":\"/srv\",\"accounts\":{\"run-as\":\"app\",\"users\":[{\"username\":\"app\","
                + "\"uid\":1000,\"gid\":0,\"homedir\":\"/home/app\"}],\"groups\":[{\"groupname\":\"root\"}]},"
                + "\"environment\":{\"A\":\"1 \\u0026 \\u003c2\\u003e\",\"B\":\"2\"},"
                + "\"paths\":[{\"path\":\"/srv\",\"type\":\"directory\",\"uid\":1000,\"permissions\":493,"
                + "\"recursive\":true}],\"annotations\":{\"org.opencontainers.image.title\":\"App\"},"
                + "\"volumes\":[\"/data\"],\"layering\":{\"strategy\":\"origin\",\"budget\":3}}\n");
  }
}
