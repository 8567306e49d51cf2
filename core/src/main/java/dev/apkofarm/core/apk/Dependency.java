package dev.apkofarm.core.apk;

import java.util.Objects;
import java.util.Optional;

/**
 * One apk dependency, provide, install_if or world entry: {@code name}, {@code name=1.2-r0}, {@code name>=1.2},
 * {@code name<2}, {@code name~1.2}, {@code name@tag}, {@code !name} (a conflict), and virtual names such as
 * {@code so:libc.musl-x86_64.so.1}, {@code cmd:sh=1.35.0-r18} or {@code pc:zlib=1.2.12}.
 *
 * <p>Parsing follows go-apk, apko's engine, including its quirks so that resolution matches apko exactly: text that
 * is not {@code name[op version][@tag]} is taken whole as a name; an unknown operator run such as {@code ==} keeps
 * its version but matches any version; and a versioned {@code so:} name whose version does not end in {@code -rN}
 * compares as {@code 0.<version>} so that it sorts before package-versioned sonames.
 *
 * @param text the text as written, which {@link #toString()} returns
 * @param conflict whether it was written {@code !name}
 * @param name the package or virtual name
 * @param op the comparison ({@link Op#ANY} when no version was given)
 * @param version the version compared against, after the {@code so:} adjustment above
 * @param tag the repository tag of {@code name@tag}
 */
public record Dependency(
    String text, boolean conflict, String name, Op op, Optional<String> version, Optional<String> tag) {

  /** The comparison of a versioned dependency. */
  public enum Op {
    ANY(""),
    EQUAL("="),
    GREATER(">"),
    LESS("<"),
    GREATER_EQUAL(">="),
    LESS_EQUAL("<="),
    FUZZY("~");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    /** The operator as written, e.g. {@code >=}; empty for {@link #ANY}. */
    public String symbol() {
      return symbol;
    }

    /** Whether {@code actual} stands in this relation to {@code required}. */
    public boolean test(Version actual, Version required) {
      switch (this) {
        case FUZZY:
          return actual.fuzzyMatches(required);
        case EQUAL:
          return actual.compareTo(required) == 0;
        case GREATER:
          return actual.compareTo(required) > 0;
        case LESS:
          return actual.compareTo(required) < 0;
        case GREATER_EQUAL:
          return actual.compareTo(required) >= 0;
        case LESS_EQUAL:
          return actual.compareTo(required) <= 0;
        default:
          return true;
      }
    }

    static Op of(String run) {
      switch (run) {
        case "=":
          return EQUAL;
        case ">":
          return GREATER;
        case "<":
          return LESS;
        case ">=":
          return GREATER_EQUAL;
        case "<=":
          return LESS_EQUAL;
        case "~":
        case "=~":
          return FUZZY;
        default:
          return ANY;
      }
    }
  }

  public Dependency {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(tag, "tag");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty dependency name in \"" + text + "\"");
    }
  }

  /**
   * Parses one dependency token.
   *
   * @throws IllegalArgumentException when the text is empty (or just {@code !})
   */
  public static Dependency parse(String text) {
    boolean conflict = text.startsWith("!");
    String body = conflict ? text.substring(1) : text;
    if (body.isEmpty()) {
      throw new IllegalArgumentException("empty dependency \"" + text + "\"");
    }
    String effective = adjustSoname(body);
    Dependency parsed = structured(text, conflict, effective);
    return parsed != null
        ? parsed
        : new Dependency(text, conflict, body, Op.ANY, Optional.empty(), Optional.empty());
  }

  /** Whether a package (or provide) at {@code candidate} satisfies this dependency's version constraint. */
  public boolean matches(Version candidate) {
    if (version.isEmpty() || op == Op.ANY) {
      return true;
    }
    Optional<Version> required = Version.tryParse(version.get());
    if (required.isEmpty()) {
      return false;
    }
    return op.test(candidate, required.get());
  }

  @Override
  public String toString() {
    return text;
  }

  // equals and hashCode written out: a record's generated ones bootstrap through method handles on their first call,
  // and the resolver's first comparison then spun some twenty lambda forms, about a tenth of a short CLI build.
  @Override
  public boolean equals(Object o) {
    return o instanceof Dependency d && conflict == d.conflict && text.equals(d.text) && name.equals(d.name)
        && op == d.op && version.equals(d.version) && tag.equals(d.tag);
  }

  @Override
  public int hashCode() {
    // The record's own formula, so hash order is what it was.
    int h = text.hashCode();
    h = 31 * h + Boolean.hashCode(conflict);
    h = 31 * h + name.hashCode();
    h = 31 * h + op.hashCode();
    h = 31 * h + version.hashCode();
    return 31 * h + tag.hashCode();
  }

  private static boolean isSpecial(char c) {
    return c == '@' || c == '=' || c == '>' || c == '<' || c == '~';
  }

  private static boolean isOp(char c) {
    return c == '=' || c == '>' || c == '<' || c == '~';
  }

  /** name [op+ version] [@tag], or null when the text has another shape. */
  private static Dependency structured(String text, boolean conflict, String s) {
    int n = s.length();
    int i = 0;
    while (i < n && !isSpecial(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return null;
    }
    String name = s.substring(0, i);
    Op op = Op.ANY;
    Optional<String> version = Optional.empty();
    if (i < n && isOp(s.charAt(i))) {
      int opStart = i;
      while (i < n && isOp(s.charAt(i))) {
        i++;
      }
      int versionStart = i;
      while (i < n && s.charAt(i) != '@') {
        i++;
      }
      if (versionStart == i) {
        return null;
      }
      op = Op.of(s.substring(opStart, versionStart));
      version = Optional.of(s.substring(versionStart, i));
    }
    Optional<String> tag = Optional.empty();
    if (i < n) {
      // s.charAt(i) == '@' here.
      int tagStart = ++i;
      while (i < n && isTagChar(s.charAt(i))) {
        i++;
      }
      if (tagStart == i || i != n) {
        return null;
      }
      tag = Optional.of(s.substring(tagStart));
    }
    return new Dependency(text, conflict, name, op, version, tag);
  }

  private static boolean isTagChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /**
   * melange writes sonames versioned by the library's own version ({@code so:libfoo.so.1=1.2}) and go-apk compares
   * those as {@code 0.1.2}, below any {@code -rN} package version; we do the same so choices agree with apko.
   */
  private static String adjustSoname(String s) {
    if (!s.startsWith("so:")) {
      return s;
    }
    int eq = s.indexOf('=');
    if (eq < 0 || endsWithRevision(s, eq + 1)) {
      return s;
    }
    return s.substring(0, eq + 1) + "0." + s.substring(eq + 1);
  }

  private static boolean endsWithRevision(String s, int from) {
    int j = s.length();
    while (j > from && s.charAt(j - 1) >= '0' && s.charAt(j - 1) <= '9') {
      j--;
    }
    return j < s.length() && j - 2 >= from && s.charAt(j - 1) == 'r' && s.charAt(j - 2) == '-';
  }
}
