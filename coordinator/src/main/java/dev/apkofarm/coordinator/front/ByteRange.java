package dev.apkofarm.coordinator.front;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One range of a blob's bytes, as a {@code Range} header asks for it (RFC 9110 §14: {@code bytes=first-last},
 * {@code bytes=first-}, {@code bytes=-suffix}); a client resuming a layer download sends one.
 *
 * @param start the first byte
 * @param length how many bytes
 */
record ByteRange(long start, long length) {
  private static final Pattern ONE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

  /**
   * The range a {@code Range} header asks of a blob of {@code size} bytes; empty for the whole blob (no header, or a
   * header the front does not serve, such as several ranges or another unit: RFC 9110 lets a server ignore those).
   *
   * @throws RegistryError 416 when the range lies past the blob's end
   */
  static Optional<ByteRange> parse(String header, long size) throws RegistryError {
    if (header == null) {
      return Optional.empty();
    }
    Matcher m = ONE.matcher(header.strip());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return Optional.empty();
    }
    long start;
    long end;
    try {
      if (m.group(1).isEmpty()) { // the last N bytes
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0) {
          throw unsatisfiable(size);
        }
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(m.group(1));
        end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        if (Long.parseLong(m.group(1)) > (m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2)))) {
          return Optional.empty(); // last before first: invalid, so ignored
        }
      }
    } catch (NumberFormatException e) {
      return Optional.empty(); // beyond a long: not a range of any blob
    }
    if (start >= size) {
      throw unsatisfiable(size);
    }
    return Optional.of(new ByteRange(start, end - start + 1));
  }

  /** {@code Content-Range} of this range of a blob of {@code size} bytes. */
  String contentRange(long size) {
    return "bytes " + start + "-" + (start + length - 1) + "/" + size;
  }

  private static RegistryError unsatisfiable(long size) {
    return RegistryError.rangeInvalid("the blob has " + size + " bytes");
  }
}
