package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.registry.ImageRef;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishTargetsTest {
  @Test
  void groupsTagsByRepositoryInTheOrderGivenWithLatestForABareName() throws Exception {
    PublishTargets t =
        PublishTargets.parse(
            List.of("127.0.0.1:5000/team/app:v1", "127.0.0.1:5000/other", "127.0.0.1:5000/team/app:latest",
                "127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app:v1"));

    assertThat(t.repositories())
        .containsExactly(
            Map.entry(ImageRef.parse("127.0.0.1:5000/team/app"), List.of("v1", "latest")),
            Map.entry(ImageRef.parse("127.0.0.1:5000/other"), List.of("latest")));
    assertThat(t.first()).isEqualTo(ImageRef.parse("127.0.0.1:5000/team/app"));
  }

  @Test
  void refusesADigestReferenceAndAMalformedOne() {
    String pinned = "127.0.0.1:5000/app@sha256:" + "a".repeat(64);
    assertThatThrownBy(() -> PublishTargets.parse(List.of(pinned)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(pinned)
        .hasMessageContaining("give a tag, not a digest");
    assertThatThrownBy(() -> PublishTargets.parse(List.of("127.0.0.1:5000/Bad_Name:x")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("REF invalid image reference \"127.0.0.1:5000/Bad_Name:x\"");
  }

  @Test
  void aBadRefExitsTwoBeforeAnythingIsBuiltOrContacted() {
    StringWriter err = new StringWriter();
    int rc =
        ApkoClientCommand.newCommandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
            .execute("publish", "does-not-matter.yaml", "127.0.0.1:1/app@sha256:" + "b".repeat(64));

    assertThat(rc).isEqualTo(ApkoClientCommand.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("publish writes tags");
  }
}
