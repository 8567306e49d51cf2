package dev.apkofarm.core.apk.index;

import dev.apkofarm.core.InputText;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses the plain-text APKINDEX ({@code X:value} lines, packages separated by blank lines) and writes it back in
 * go-apk's field order. Tokens of dependency lists are interned per index: the same {@code so:libc...} string
 * appears thousands of times.
 */
public final class IndexText {
  private static final int MAX_LINE = 4 << 20;

  private IndexText() {}

  /**
   * Parses an APKINDEX text stream.
   *
   * @param what the index's name for error messages (the repository)
   * @throws IOException naming the index and line when a line is malformed
   */
  public static List<PackageInfo> parse(InputStream in, String what) throws IOException {
    Parser p = new Parser(in, what);
    return p.parse();
  }

  /** Appends one package record in go-apk's field order, followed by the blank separator line. */
  public static void write(StringBuilder out, PackageInfo p) {
    p.checksum().ifPresent(c -> out.append("C:").append(c).append('\n'));
    out.append("P:").append(p.name()).append('\n');
    out.append("V:").append(p.version()).append('\n');
    if (!p.arch().isEmpty()) {
      out.append("A:").append(p.arch()).append('\n');
    }
    if (p.size() != 0) {
      out.append("S:").append(p.size()).append('\n');
    }
    if (p.installedSize() != 0) {
      out.append("I:").append(p.installedSize()).append('\n');
    }
    out.append("T:").append(p.description()).append('\n');
    if (!p.url().isEmpty()) {
      out.append("U:").append(p.url()).append('\n');
    }
    if (!p.license().isEmpty()) {
      out.append("L:").append(p.license()).append('\n');
    }
    if (!p.origin().isEmpty()) {
      out.append("o:").append(p.origin()).append('\n');
    }
    if (!p.maintainer().isEmpty()) {
      out.append("m:").append(p.maintainer()).append('\n');
    }
    out.append("t:").append(p.buildTime()).append('\n');
    if (!p.commit().isEmpty()) {
      out.append("c:").append(p.commit()).append('\n');
    }
    if (!p.depends().isEmpty()) {
      out.append("D:").append(String.join(" ", p.depends())).append('\n');
    }
    if (!p.installIf().isEmpty()) {
      out.append("i:").append(String.join(" ", p.installIf())).append('\n');
    }
    if (!p.provides().isEmpty()) {
      out.append("p:").append(String.join(" ", p.provides())).append('\n');
    }
    if (p.providerPriority() != 0) {
      out.append("k:").append(p.providerPriority()).append('\n');
    }
    if (!p.replaces().isEmpty()) {
      out.append("r:").append(String.join(" ", p.replaces())).append('\n');
    }
    if (p.replacesPriority() != 0) {
      out.append("q:").append(p.replacesPriority()).append('\n');
    }
    out.append('\n');
  }

  private static final class Parser {
    private final InputStream in;
    private final String what;
    // Interned strings by their bytes, in an open-addressing table: a token seen before (most are: a so: name,
    // a maintainer, a licence) is found without first decoding it into a String and hashing that. Alpine's
    // 17,000-package index has some 150,000 such tokens; interning through a HashMap of Strings was 10 ms of
    // show-packages' wait for it (async-profiler, wall clock).
    private byte[][] internKeys = new byte[8192][];
    private int[] internHashes = new int[8192];
    private String[] internValues = new String[8192];
    private int internCount;
    private byte[] buf = new byte[64 * 1024];
    private int pos;
    private int len;
    private boolean eof;
    private int lineNumber;
    private int lineStart;
    private int lineEnd;

    Parser(InputStream in, String what) {
      this.in = in;
      this.what = what;
    }

    List<PackageInfo> parse() throws IOException {
      List<PackageInfo> out = new ArrayList<>();
      PackageInfo.Builder current = null;
      String name = null;
      String version = null;
      while (nextLine()) {
        int n = lineEnd - lineStart;
        if (n == 0) {
          if (current != null) {
            out.add(finish(current, name, version));
          }
          current = null;
          name = null;
          version = null;
          continue;
        }
        if (n < 2 || buf[lineStart + 1] != ':') {
          throw new IOException(what + ": cannot parse APKINDEX line " + lineNumber + ": expected \"X:value\"");
        }
        for (int i = lineStart; i < lineEnd; i++) {
          byte c = buf[i];
          if ((c >= 0 && c < 0x20) || c == 0x7f) {
            throw new IOException(what + ": APKINDEX line " + lineNumber + " has a control character");
          }
        }
        if (current == null) {
          current = PackageInfo.builder("?", "");
        }
        char field = (char) buf[lineStart];
        int vs = lineStart + 2;
        int vl = lineEnd - vs;
        switch (field) {
          case 'P':
            name = string(vs, vl);
            current.name(name);
            break;
          case 'V':
            version = string(vs, vl);
            current.version(version);
            break;
          case 'A':
            current.arch(intern(vs, vl));
            break;
          case 'C':
            // Only SHA-1 ("Q1") checksums exist in apk v2 indexes; others are ignored, as go-apk does.
            if (vl >= 2 && buf[vs] == 'Q' && buf[vs + 1] == '1') {
              current.checksum(string(vs, vl));
            }
            break;
          case 'S':
            current.size(number(vs, vl, "size"));
            break;
          case 'I':
            current.installedSize(number(vs, vl, "installed size"));
            break;
          case 'T':
            current.description(string(vs, vl));
            break;
          case 'U':
            current.url(intern(vs, vl));
            break;
          case 'L':
            current.license(intern(vs, vl));
            break;
          case 'o':
            current.origin(intern(vs, vl));
            break;
          case 'm':
            current.maintainer(intern(vs, vl));
            break;
          case 't':
            long t = number(vs, vl, "build time");
            if (t > TarReader.MAX_SECONDS) {
              throw new IOException(what + ": line " + lineNumber + ": build time out of range");
            }
            current.buildTime(t);
            break;
          case 'c':
            current.commit(intern(vs, vl));
            break;
          case 'D':
            current.depends(tokens(vs, vl));
            break;
          case 'p':
            current.provides(tokens(vs, vl));
            break;
          case 'i':
            current.installIf(tokens(vs, vl));
            break;
          case 'k':
            current.providerPriority(number(vs, vl, "provider priority"));
            break;
          case 'r':
            current.replaces(tokens(vs, vl));
            break;
          case 'q':
            current.replacesPriority(number(vs, vl, "replaces priority"));
            break;
          default:
            // Fields we do not use (apk-tools may add more); ignored as apk ignores unknown fields.
            break;
        }
      }
      if (current != null) {
        out.add(finish(current, name, version));
      }
      return out;
    }

    private PackageInfo finish(PackageInfo.Builder b, String name, String version) throws IOException {
      if (name == null || name.isEmpty()) {
        throw new IOException(what + ": APKINDEX record ending at line " + lineNumber + " has no P: (name)");
      }
      if (version == null) {
        throw new IOException(what + ": APKINDEX record for " + InputText.quote(name) + " has no V: (version)");
      }
      try {
        return b.build();
      } catch (IllegalArgumentException e) {
        // The record's own message quotes the name or version it refused, escaped.
        throw new IOException(what + ": APKINDEX record ending at line " + lineNumber + ": " + e.getMessage());
      }
    }

    private String string(int off, int n) {
      return new String(buf, off, n, StandardCharsets.UTF_8);
    }

    private String intern(int off, int n) {
      int h = 0;
      for (int i = off; i < off + n; i++) {
        h = 31 * h + buf[i];
      }
      int mask = internKeys.length - 1;
      int slot = (h ^ (h >>> 16)) & mask;
      for (byte[] k; (k = internKeys[slot]) != null; slot = (slot + 1) & mask) {
        if (internHashes[slot] == h && k.length == n && Arrays.equals(k, 0, n, buf, off, off + n)) {
          return internValues[slot];
        }
      }
      String s = string(off, n);
      internKeys[slot] = Arrays.copyOfRange(buf, off, off + n);
      internHashes[slot] = h;
      internValues[slot] = s;
      if (++internCount * 2 > internKeys.length) {
        growInterned();
      }
      return s;
    }

    private void growInterned() {
      byte[][] keys = internKeys;
      int[] hashes = internHashes;
      String[] values = internValues;
      internKeys = new byte[keys.length * 2][];
      internHashes = new int[keys.length * 2];
      internValues = new String[keys.length * 2];
      int mask = internKeys.length - 1;
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] != null) {
          int slot = (hashes[i] ^ (hashes[i] >>> 16)) & mask;
          while (internKeys[slot] != null) {
            slot = (slot + 1) & mask;
          }
          internKeys[slot] = keys[i];
          internHashes[slot] = hashes[i];
          internValues[slot] = values[i];
        }
      }
    }

    private List<String> tokens(int off, int n) {
      List<String> out = new ArrayList<>();
      int end = off + n;
      int i = off;
      while (i < end) {
        int start = i;
        while (i < end && buf[i] != ' ') {
          i++;
        }
        // go-apk splits on single spaces; an empty token from a double space would be a nameless dependency.
        if (i > start) {
          out.add(intern(start, i - start));
        }
        i++;
      }
      return out;
    }

    private long number(int off, int n, String field) throws IOException {
      long v = signedNumber(off, n, field);
      if (v < 0) {
        throw new IOException(what + ": line " + lineNumber + ": negative " + field);
      }
      return v;
    }

    private long signedNumber(int off, int n, String field) throws IOException {
      // Plain digits, as every real index writes them, straight from the bytes (some 50,000 numbers in Alpine's);
      // anything else (a sign, 19 digits or more, not a number) through Long.parseLong, whose rules stay the rule.
      if (n > 0 && n < 19) {
        long v = 0;
        int i = off;
        for (; i < off + n && buf[i] >= '0' && buf[i] <= '9'; i++) {
          v = v * 10 + (buf[i] - '0');
        }
        if (i == off + n) {
          return v;
        }
      }
      try {
        return Long.parseLong(string(off, n));
      } catch (NumberFormatException e) {
        throw new IOException(
            what + ": line " + lineNumber + ": cannot parse " + field + " " + InputText.quote(string(off, n)));
      }
    }

    /** Positions lineStart/lineEnd on the next line (without its newline); false at the end of input. */
    private boolean nextLine() throws IOException {
      while (true) {
        for (int i = pos; i < len; i++) {
          if (buf[i] == '\n') {
            lineStart = pos;
            lineEnd = i;
            pos = i + 1;
            lineNumber++;
            return true;
          }
        }
        if (eof) {
          if (pos < len) {
            lineStart = pos;
            lineEnd = len;
            pos = len;
            lineNumber++;
            return true;
          }
          return false;
        }
        refill();
      }
    }

    private void refill() throws IOException {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, len - pos);
        len -= pos;
        pos = 0;
      }
      if (len == buf.length) {
        if (buf.length >= MAX_LINE) {
          throw new IOException(what + ": APKINDEX line " + (lineNumber + 1) + " is longer than " + MAX_LINE);
        }
        byte[] bigger = new byte[buf.length * 2];
        System.arraycopy(buf, 0, bigger, 0, len);
        buf = bigger;
      }
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        eof = true;
      } else {
        len += n;
      }
    }
  }
}
