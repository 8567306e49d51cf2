package dev.apkofarm.core.apk;

import java.util.Arrays;
import java.util.Optional;

/**
 * An apk package version such as {@code 1.2.3a_rc1_p2-r4}: dot-separated numbers, an optional letter, an optional
 * pre-release suffix ({@code _alpha}, {@code _beta}, {@code _pre}, {@code _rc}) with a number, an optional
 * post-release suffix ({@code _cvs}, {@code _svn}, {@code _git}, {@code _hg}, {@code _p}) with a number, and an
 * optional {@code -rN} revision. This is the grammar go-apk (apko's engine) accepts; anything else is invalid.
 *
 * <p>{@link #compareTo} orders versions as go-apk does: numbers component-wise (more components is newer), then
 * letter, then pre-suffix (none is newer than any pre-release), then its number, then post-suffix (none is older),
 * then its number, then revision. It is not consistent with {@link #equals}, which compares the text: {@code 1.0}
 * and {@code 1.00} compare equal but are different versions on the wire.
 */
public final class Version implements Comparable<Version> {
  /** Pre-release suffixes in increasing order; index 0 is "none", which sorts after all of them. */
  private static final String[] PRE = {"", "_alpha", "_beta", "_pre", "_rc"};
  /** Post-release suffixes in increasing order; index 0 is "none", which sorts before all of them. */
  private static final String[] POST = {"", "_cvs", "_svn", "_git", "_hg", "_p"};

  private final String text;
  private final long[] numbers;
  private final char letter;
  private final int pre;
  private final long preNumber;
  private final int post;
  private final long postNumber;
  private final long revision;

  private Version(
      String text, long[] numbers, char letter, int pre, long preNumber, int post, long postNumber, long revision) {
    this.text = text;
    this.numbers = numbers;
    this.letter = letter;
    this.pre = pre;
    this.preNumber = preNumber;
    this.post = post;
    this.postNumber = postNumber;
    this.revision = revision;
  }

  /**
   * Parses a version.
   *
   * @throws IllegalArgumentException naming the version and what is wrong with it
   */
  public static Version parse(String text) {
    return new Parser(text).parse();
  }

  /** Parses a version, or empty when it is not valid apk version syntax. */
  public static Optional<Version> tryParse(String text) {
    try {
      return Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code text} is a valid version. */
  public static boolean isValid(String text) {
    return tryParse(text).isPresent();
  }

  /** The revision ({@code N} of {@code -rN}), 0 when absent. */
  public long revision() {
    return revision;
  }

  @Override
  public int compareTo(Version o) {
    int n = Math.min(numbers.length, o.numbers.length);
    for (int i = 0; i < n; i++) {
      int c = Long.compare(numbers[i], o.numbers[i]);
      if (c != 0) {
        return c;
      }
    }
    if (numbers.length != o.numbers.length) {
      return numbers.length > o.numbers.length ? 1 : -1;
    }
    if (letter != o.letter) {
      return letter > o.letter ? 1 : -1;
    }
    // "No pre-release suffix" is the release itself: newer than any _alpha/_beta/_pre/_rc.
    int c = Integer.compare(pre == 0 ? Integer.MAX_VALUE : pre, o.pre == 0 ? Integer.MAX_VALUE : o.pre);
    if (c != 0) {
      return c;
    }
    c = Long.compare(preNumber, o.preNumber);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(post, o.post);
    if (c != 0) {
      return c;
    }
    c = Long.compare(postNumber, o.postNumber);
    if (c != 0) {
      return c;
    }
    return Long.compare(revision, o.revision);
  }

  /**
   * apk's fuzzy match ({@code ~}): whether this version lies within {@code prefix}, e.g. {@code 1.2.3-r1} within
   * {@code 1.2}. Components the prefix leaves out match anything.
   */
  public boolean fuzzyMatches(Version prefix) {
    if (numbers.length < prefix.numbers.length) {
      return false;
    }
    for (int i = 0; i < prefix.numbers.length; i++) {
      if (numbers[i] != prefix.numbers[i]) {
        return false;
      }
    }
    if (numbers.length > prefix.numbers.length) {
      return true;
    }
    if (prefix.letter != 0 && letter != prefix.letter) {
      return false;
    }
    if (prefix.pre != 0 && pre != prefix.pre) {
      return false;
    }
    if (prefix.preNumber != 0 && preNumber != prefix.preNumber) {
      return false;
    }
    if (prefix.post != 0 && post != prefix.post) {
      return false;
    }
    if (prefix.postNumber != 0 && postNumber != prefix.postNumber) {
      return false;
    }
    return prefix.revision == 0 || revision == prefix.revision;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Version v && v.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The version exactly as written. */
  @Override
  public String toString() {
    return text;
  }

  /** A hand-written scanner: versions are parsed by the tens of thousands per index, so no regex. */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    Version parse() {
      long[] nums = new long[4];
      int count = 0;
      nums[count++] = number("a version number");
      while (peek('.')) {
        i++;
        if (count == nums.length) {
          nums = Arrays.copyOf(nums, count * 2);
        }
        nums[count++] = number("a number after '.'");
      }
      char letter = 0;
      if (i < s.length() && s.charAt(i) >= 'a' && s.charAt(i) <= 'z') {
        letter = s.charAt(i++);
      }
      int pre = suffix(PRE);
      long preNumber = pre == 0 ? 0 : optionalNumber();
      int post = suffix(POST);
      long postNumber = post == 0 ? 0 : optionalNumber();
      long revision = 0;
      if (s.startsWith("-r", i)) {
        i += 2;
        revision = number("a revision number after -r");
      }
      if (i != s.length()) {
        throw invalid("unexpected \"" + s.substring(i) + "\"");
      }
      return new Version(s, Arrays.copyOf(nums, count), letter, pre, preNumber, post, postNumber, revision);
    }

    private boolean peek(char c) {
      return i < s.length() && s.charAt(i) == c;
    }

    private int suffix(String[] names) {
      for (int k = 1; k < names.length; k++) {
        String name = names[k];
        // A suffix name must not be a prefix of a longer word; all names are distinct at this point, and the
        // following character is either a digit, '_', '-' or the end, which the later steps check.
        if (s.startsWith(name, i)) {
          i += name.length();
          return k;
        }
      }
      return 0;
    }

    private long optionalNumber() {
      return i < s.length() && isDigit(s.charAt(i)) ? number("a number") : 0;
    }

    private long number(String what) {
      int start = i;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
      if (start == i) {
        throw invalid("expected " + what + (i < s.length() ? " at \"" + s.substring(i) + "\"" : " at the end"));
      }
      try {
        return Long.parseLong(s, start, i, 10);
      } catch (NumberFormatException e) {
        throw invalid("number " + s.substring(start, i) + " is too large");
      }
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private IllegalArgumentException invalid(String why) {
      return new IllegalArgumentException("invalid version \"" + s + "\": " + why);
    }
  }
}
