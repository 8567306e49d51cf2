package dev.apkofarm.core.apk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written checks accept exactly what the documented patterns (and length limits) accept. */
class PackageNamesTest {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+][A-Za-z0-9_+.-]*");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+~-]*");

  /** Every character up to 0x17F (ASCII, Latin-1, Latin Extended-A), and a few beyond. */
  private static List<Character> alphabet() {
    List<Character> chars = new ArrayList<>();
    for (char c = 0; c <= 0x17F; c++) {
      chars.add(c);
    }
    chars.addAll(List.of('\u2010', '\u2212', '\uFF0D', '\uFF10', '\uD83D', '\uDE00'));
    return chars;
  }

  private static void agree(String s) {
    assertThat(PackageNames.isName(s)).as("name %s", s)
        .isEqualTo(s.length() <= PackageNames.MAX_NAME && NAME.matcher(s).matches());
    assertThat(PackageNames.isVersion(s)).as("version %s", s)
        .isEqualTo(s.length() <= PackageNames.MAX_VERSION && VERSION.matcher(s).matches());
    assertThat(PackageNames.nameProblem(s) == null).isEqualTo(PackageNames.isName(s));
    assertThat(PackageNames.versionProblem(s) == null).isEqualTo(PackageNames.isVersion(s));
  }

  @Test
  void everyCharacterInEveryPlace() {
    agree("");
    for (char a : alphabet()) {
      agree(String.valueOf(a));
      for (char b : alphabet()) {
        agree("" + a + b);
        agree("x" + a + b);
      }
    }
  }

  @Test
  void lengthsAroundTheLimitsAndRandomStrings() {
    for (int n = 110; n <= 135; n++) {
      agree("a".repeat(n));
      agree("1.".repeat(n / 2) + "-r0");
    }
    String chars = "aZ09_+.-~/ \t\u00e9";
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        s.append(chars.charAt(random.nextInt(chars.length())));
      }
      agree(s.toString());
    }
  }

  @Test
  void realNamesAndVersions() {
    for (String name : List.of("busybox", "so:libc.musl-x86_64.so.1", "py3-setuptools", "g++", "libstdc++",
        "ca-certificates-bundle", "-leading-dash", ".hidden", "has space", "a/b")) {
      agree(name);
    }
    for (String version : List.of("1.36.1-r0", "0.99f7-r0", "2023.1_rc1-r2", "1.0~beta", "_1", "1..2", "1 2")) {
      agree(version);
    }
    assertThat(PackageNames.isName("so:libc")).isFalse();
    assertThat(PackageNames.isVersion("0.99f7-r0")).isTrue();
  }
}
