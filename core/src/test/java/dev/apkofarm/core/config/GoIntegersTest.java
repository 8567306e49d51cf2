package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Integer literals read as apko's YAML library reads them. */
class GoIntegersTest {
  @Test
  void prefixesSelectTheBase() {
    assertThat(GoIntegers.parse("0o755")).hasValue(493);
    assertThat(GoIntegers.parse("0O755")).hasValue(493);
    assertThat(GoIntegers.parse("0755")).hasValue(493);
    assertThat(GoIntegers.parse("0x1ED")).hasValue(493);
    assertThat(GoIntegers.parse("0b111101101")).hasValue(493);
    assertThat(GoIntegers.parse("493")).hasValue(493);
    assertThat(GoIntegers.parse("0")).hasValue(0);
  }

  @Test
  void signsAndUnderscores() {
    assertThat(GoIntegers.parse("-12")).hasValue(-12);
    assertThat(GoIntegers.parse("+12")).hasValue(12);
    assertThat(GoIntegers.parse("1_000_000")).hasValue(1_000_000);
  }

  @Test
  void rejectsWhatIsNotAnInteger() {
    assertThat(GoIntegers.parse("0o789")).isEmpty();
    assertThat(GoIntegers.parse("0789")).isEmpty();
    assertThat(GoIntegers.parse("1.5")).isEmpty();
    assertThat(GoIntegers.parse("0o")).isEmpty();
    assertThat(GoIntegers.parse("--1")).isEmpty();
    assertThat(GoIntegers.parse("abc")).isEmpty();
    assertThat(GoIntegers.parse("99999999999999999999")).isEmpty();
  }

  @Test
  void decimalThatLooksOctal() {
    assertThat(GoIntegers.isDecimalThatLooksOctal("755")).isTrue();
    assertThat(GoIntegers.isDecimalThatLooksOctal("0755")).isFalse();
    assertThat(GoIntegers.isDecimalThatLooksOctal("493")).isFalse();
    assertThat(GoIntegers.isDecimalThatLooksOctal("7")).isFalse();
  }
}
