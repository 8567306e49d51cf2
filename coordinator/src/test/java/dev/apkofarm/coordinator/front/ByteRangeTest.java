package dev.apkofarm.coordinator.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code Range} headers as RFC 9110 has them, for a blob of 100 bytes. */
class ByteRangeTest {
  @Test
  void parsesOneRangeClampedToTheBlob() throws Exception {
    assertThat(ByteRange.parse("bytes=0-9", 100)).hasValue(new ByteRange(0, 10));
    assertThat(ByteRange.parse("bytes=90-", 100)).hasValue(new ByteRange(90, 10));
    assertThat(ByteRange.parse("bytes=-5", 100)).hasValue(new ByteRange(95, 5));
    assertThat(ByteRange.parse("bytes=-500", 100)).hasValue(new ByteRange(0, 100));
    assertThat(ByteRange.parse("bytes=50-1000", 100)).hasValue(new ByteRange(50, 50));
    assertThat(new ByteRange(50, 50).contentRange(100)).isEqualTo("bytes 50-99/100");
  }

  @Test
  void ignoresWhatItDoesNotServeAndRefusesWhatLiesPastTheEnd() throws Exception {
    assertThat(ByteRange.parse(null, 100)).isEmpty();
    assertThat(ByteRange.parse("bytes=0-1,5-6", 100)).isEmpty();
    assertThat(ByteRange.parse("items=0-1", 100)).isEmpty();
    assertThat(ByteRange.parse("bytes=9-3", 100)).isEmpty();
    assertThat(ByteRange.parse("bytes=99999999999999999999-", 100)).isEmpty();
    assertThatThrownBy(() -> ByteRange.parse("bytes=100-", 100)).isInstanceOf(RegistryError.class)
        .satisfies(e -> assertThat(((RegistryError) e).status()).isEqualTo(416));
    assertThatThrownBy(() -> ByteRange.parse("bytes=-0", 100)).isInstanceOf(RegistryError.class);
  }
}
