package dev.apkofarm.core.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionTest {
  private static int cmp(String a, String b) {
    return Integer.signum(Version.parse(a).compareTo(Version.parse(b)));
  }

  @Test
  void ordersNumbersComponentWiseAndLongerIsNewer() {
    assertThat(cmp("1.10", "1.9")).isEqualTo(1);
    assertThat(cmp("1.2.1", "1.2")).isEqualTo(1);
    assertThat(cmp("0.12", "0.12.3")).isEqualTo(-1);
    assertThat(cmp("2.34", "2.34")).isZero();
    assertThat(cmp("1.01", "1.1")).isZero();
  }

  @Test
  void letterSortsAfterPlainRelease() {
    assertThat(cmp("2.3.0b", "2.3.0")).isEqualTo(1);
    assertThat(cmp("2.3.0b", "2.3.0c")).isEqualTo(-1);
  }

  @Test
  void preReleaseSuffixesSortBeforeTheRelease() {
    assertThat(cmp("1.0_alpha", "1.0_beta")).isEqualTo(-1);
    assertThat(cmp("1.0_beta", "1.0_pre")).isEqualTo(-1);
    assertThat(cmp("1.0_pre", "1.0_rc")).isEqualTo(-1);
    assertThat(cmp("1.0_rc9", "1.0")).isEqualTo(-1);
    assertThat(cmp("1.0_alpha2", "1.0_alpha")).isEqualTo(1);
    assertThat(cmp("1.1_alpha1", "1.0")).isEqualTo(1);
  }

  @Test
  void postReleaseSuffixesSortAfterTheRelease() {
    assertThat(cmp("1.0_p1", "1.0")).isEqualTo(1);
    assertThat(cmp("1.0_git20220101", "1.0_cvs1")).isEqualTo(1);
    assertThat(cmp("1.0_p1", "1.0_hg9")).isEqualTo(1);
    assertThat(cmp("1.0_p2", "1.0_p10")).isEqualTo(-1);
  }

  @Test
  void revisionIsTheLastTieBreaker() {
    assertThat(cmp("1.0.4-r3", "1.0.4-r4")).isEqualTo(-1);
    assertThat(cmp("1.0.4-r10", "1.0.4-r9")).isEqualTo(1);
    assertThat(cmp("1.0.4", "1.0.4-r0")).isZero();
    assertThat(cmp("1.0.5-r0", "1.0.4-r99")).isEqualTo(1);
  }

  @Test
  void combinesAllParts() {
    assertThat(cmp("1.2.3a_rc1_p2-r4", "1.2.3a_rc1_p2-r3")).isEqualTo(1);
    assertThat(cmp("1.2.3a_rc1_p2-r4", "1.2.3a_rc1-r9")).isEqualTo(1);
    assertThat(cmp("1.1r_alpha1", "1.1_alpha1")).isEqualTo(1);
  }

  @Test
  void sortsALongListConsistently() {
    List<String> expected =
        List.of("0.1", "0.9_alpha", "0.9_beta2", "0.9_rc1", "0.9", "0.9_p1", "0.9a", "1.0-r0", "1.0-r1", "1.0.1");
    List<Version> shuffled = new ArrayList<>();
    for (int i = expected.size() - 1; i >= 0; i--) {
      shuffled.add(Version.parse(expected.get((i * 7) % expected.size())));
    }
    shuffled.sort(null);
    assertThat(shuffled).extracting(Version::toString).containsExactlyElementsOf(expected);
  }

  @Test
  void rejectsWhatGoApkRejects() {
    for (String bad : List.of("", "a1", "1.", "1..2", "1.0-r", "1.0_foo", "0.99f7-r0", "6.8.0p2-r4", "v2.4", "1.0 ")) {
      assertThat(Version.isValid(bad)).as(bad).isFalse();
    }
    assertThatThrownBy(() -> Version.parse("0.99f7-r0")).hasMessageContaining("0.99f7-r0");
    assertThat(Version.isValid("99999999999999999999")).isFalse();
  }

  @Test
  void fuzzyMatchIsPrefixMatch() {
    assertThat(Version.parse("1.2.3-r1").fuzzyMatches(Version.parse("1.2"))).isTrue();
    assertThat(Version.parse("1.2").fuzzyMatches(Version.parse("1.2"))).isTrue();
    assertThat(Version.parse("1.3").fuzzyMatches(Version.parse("1.2"))).isFalse();
    assertThat(Version.parse("1").fuzzyMatches(Version.parse("1.2"))).isFalse();
    assertThat(Version.parse("1.2-r3").fuzzyMatches(Version.parse("1.2-r2"))).isFalse();
    assertThat(Version.parse("1.2-r2").fuzzyMatches(Version.parse("1.2-r2"))).isTrue();
    assertThat(Version.parse("1.2a").fuzzyMatches(Version.parse("1.2b"))).isFalse();
  }

  @Test
  void equalityIsTextual() {
    assertThat(Version.parse("1.0")).isEqualTo(Version.parse("1.0"));
    assertThat(Version.parse("1.0")).isNotEqualTo(Version.parse("1.00"));
    assertThat(Version.parse("1.0-r2").toString()).isEqualTo("1.0-r2");
  }
}
