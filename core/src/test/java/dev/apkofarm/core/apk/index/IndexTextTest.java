package dev.apkofarm.core.apk.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.apk.PackageInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The APKINDEX text parser's own ways: its interning of repeated tokens and its reading of numbers. */
class IndexTextTest {
  private static List<PackageInfo> parse(String text) throws IOException {
    return IndexText.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
  }

  @Test
  void manyDistinctAndRepeatedTokensReadBackAsWritten() throws IOException {
    // 20,000 packages, each with a token of its own and two shared ones: the intern table grows several times.
    List<PackageInfo> written = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      written.add(PackageInfo.builder("pkg" + i, "1." + i + "-r0").arch("x86_64").maintainer("Same <m@example.org>")
          .license(i % 2 == 0 ? "MIT" : "Apache-2.0").origin("origin" + (i % 7))
          .depends(List.of("so:libc.musl-x86_64.so.1", "dep" + i + ">=1.0", "cmd:sh"))
          .provides(List.of("so:libpkg" + i + ".so.1=1")).size(i).installedSize(1L << 40).buildTime(1_700_000_000L + i)
          .build());
    }
    StringBuilder text = new StringBuilder();
    written.forEach(p -> IndexText.write(text, p));
    List<PackageInfo> read = parse(text.toString());
    assertThat(read).isEqualTo(written);
    // Equal tokens are one String, distinct ones are not mixed up.
    assertThat(read.get(19_999).depends().get(0)).isSameAs(read.get(0).depends().get(0));
    assertThat(read.get(12_345).maintainer()).isSameAs(read.get(1).maintainer());
    assertThat(read.get(12_345).depends().get(1)).isEqualTo("dep12345>=1.0");
  }

  @Test
  void numbersAreReadAsLongParseLongReadsThem() throws IOException {
    for (String size : List.of("0", "7", "000123", "999999999999999999", "9223372036854775807", "+42",
        "\u0661\u0662")) {
      assertThat(parse("P:a\nV:1-r0\nS:" + size + "\n\n").get(0).size()).as(size).isEqualTo(Long.parseLong(size));
    }
    for (String bad : List.of("9223372036854775808", "12a", "1 2", "", "-", "0x10")) {
      assertThatThrownBy(() -> parse("P:a\nV:1-r0\nS:" + bad + "\n\n")).as(bad).isInstanceOf(IOException.class)
          .hasMessageContaining("cannot parse size");
    }
    assertThatThrownBy(() -> parse("P:a\nV:1-r0\nS:-1\n\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("negative size");
  }
}
