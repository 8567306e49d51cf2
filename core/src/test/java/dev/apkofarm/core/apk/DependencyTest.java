package dev.apkofarm.core.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.apk.Dependency.Op;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DependencyTest {
  @Test
  void parsesPlainName() {
    Dependency d = Dependency.parse("busybox");
    assertThat(d.name()).isEqualTo("busybox");
    assertThat(d.op()).isEqualTo(Op.ANY);
    assertThat(d.version()).isEmpty();
    assertThat(d.tag()).isEmpty();
    assertThat(d.conflict()).isFalse();
    assertThat(d.toString()).isEqualTo("busybox");
  }

  @Test
  void parsesEveryOperator() {
    assertThat(Dependency.parse("a=1.0").op()).isEqualTo(Op.EQUAL);
    assertThat(Dependency.parse("a>1.0").op()).isEqualTo(Op.GREATER);
    assertThat(Dependency.parse("a<1.0").op()).isEqualTo(Op.LESS);
    assertThat(Dependency.parse("a>=1.0").op()).isEqualTo(Op.GREATER_EQUAL);
    assertThat(Dependency.parse("a<=1.0").op()).isEqualTo(Op.LESS_EQUAL);
    assertThat(Dependency.parse("a~1.0").op()).isEqualTo(Op.FUZZY);
    assertThat(Dependency.parse("a=~1.0").op()).isEqualTo(Op.FUZZY);
    assertThat(Dependency.parse("a>=1.0").version()).contains("1.0");
  }

  @Test
  void unknownOperatorRunKeepsVersionButMatchesAnything() {
    Dependency d = Dependency.parse("a==1.0");
    assertThat(d.op()).isEqualTo(Op.ANY);
    assertThat(d.version()).contains("1.0");
    assertThat(d.matches(Version.parse("9"))).isTrue();
  }

  @Test
  void parsesTagAndConflict() {
    Dependency d = Dependency.parse("!foo>=2@edge");
    assertThat(d.conflict()).isTrue();
    assertThat(d.name()).isEqualTo("foo");
    assertThat(d.op()).isEqualTo(Op.GREATER_EQUAL);
    assertThat(d.version()).contains("2");
    assertThat(d.tag()).contains("edge");
    assertThat(d.toString()).isEqualTo("!foo>=2@edge");
  }

  @Test
  void parsesVirtualNames() {
    assertThat(Dependency.parse("cmd:sh=1.35.0-r18").name()).isEqualTo("cmd:sh");
    assertThat(Dependency.parse("pc:zlib>=1.2").name()).isEqualTo("pc:zlib");
    assertThat(Dependency.parse("/bin/sh").name()).isEqualTo("/bin/sh");
    assertThat(Dependency.parse("so:libc.musl-x86_64.so.1").version()).isEmpty();
  }

  @Test
  void sonameVersionsWithoutRevisionCompareBelowPackageVersions() {
    assertThat(Dependency.parse("so:libfoo.so.1=1.2").version()).contains("0.1.2");
    assertThat(Dependency.parse("so:libfoo.so.1=1.2-r3").version()).contains("1.2-r3");
    assertThat(Dependency.parse("so:libfoo.so.1=1.2").toString()).isEqualTo("so:libfoo.so.1=1.2");
    assertThat(Dependency.parse("cmd:foo=1.2").version()).contains("1.2");
  }

  @Test
  void takesMalformedTextWholeAsName() {
    Dependency d = Dependency.parse("foo@bad-tag");
    assertThat(d.name()).isEqualTo("foo@bad-tag");
    assertThat(d.op()).isEqualTo(Op.ANY);
    assertThat(Dependency.parse("foo=").name()).isEqualTo("foo=");
    assertThat(Dependency.parse("=1").name()).isEqualTo("=1");
  }

  @Test
  void matchesVersions() {
    Dependency d = Dependency.parse("a>=1.2-r1");
    assertThat(d.matches(Version.parse("1.2-r1"))).isTrue();
    assertThat(d.matches(Version.parse("1.2-r0"))).isFalse();
    assertThat(d.matches(Version.parse("1.10"))).isTrue();
    assertThat(Dependency.parse("a<2.0").matches(Version.parse("2.0_rc1"))).isTrue();
    assertThat(Dependency.parse("a<2").matches(Version.parse("2.0_rc1"))).isFalse();
    assertThat(Dependency.parse("a~1.2").matches(Version.parse("1.2.9-r4"))).isTrue();
    assertThat(Dependency.parse("a=v2").matches(Version.parse("2"))).isFalse();
  }

  @Test
  void refusesEmpty() {
    assertThatThrownBy(() -> Dependency.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Dependency.parse("!")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Optional.of(Dependency.parse("!a").name())).contains("a");
  }
}
