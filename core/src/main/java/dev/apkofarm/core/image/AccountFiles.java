package dev.apkofarm.core.image;

import dev.apkofarm.core.oci.OwnerNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /etc/passwd}, {@code /etc/group} and {@code /etc/shadow} lines as apko's {@code passwd} package reads and
 * writes them: lines are trimmed and split on {@code :} (7, 4 and 9 fields), written back
 * {@code name:password:uid:gid:info:home:shell}, {@code name:password:gid:members} and nine shadow fields.
 */
final class AccountFiles {
  private AccountFiles() {}

  /** A passwd line. */
  record UserEntry(String name, String password, long uid, long gid, String info, String home, String shell) {
    String line() {
      return name + ":" + password + ":" + uid + ":" + gid + ":" + info + ":" + home + ":" + shell + "\n";
    }
  }

  /** A group line; {@code members} is the raw comma-separated field. */
  record GroupEntry(String name, String password, long gid, String members) {
    String line() {
      return name + ":" + password + ":" + gid + ":" + members + "\n";
    }
  }

  /**
   * A shadow line. apko's parser never reads the last-change field back, so a rewritten file has it empty; we keep
   * that behaviour because the file's bytes end up in the layer.
   */
  record ShadowEntry(List<String> fields) {
    String line() {
      List<String> f = new ArrayList<>(fields);
      f.set(2, "");
      return String.join(":", f) + "\n";
    }
  }

  /** Thrown for a line apko could not parse either. */
  static final class MalformedLine extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedLine(String message) {
      super(message);
    }
  }

  static List<String> lines(byte[] content) {
    List<String> out = new ArrayList<>();
    String text = new String(content, StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      return out;
    }
    String[] parts = text.split("\n", -1);
    int n = parts.length;
    if (text.endsWith("\n")) {
      n--; // the scanner yields no empty token after a final newline
    }
    for (int i = 0; i < n; i++) {
      String l = parts[i];
      out.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
    }
    return out;
  }

  static UserEntry parseUser(String line) throws MalformedLine {
    String[] p = line.strip().split(":", -1);
    if (p.length != 7) {
      throw new MalformedLine("malformed line, contains " + p.length + " parts, expecting 7: \"" + line + "\"");
    }
    return new UserEntry(p[0], p[1], parseId(p[2], "UID"), parseId(p[3], "GID"), p[4], p[5], p[6]);
  }

  static GroupEntry parseGroup(String line) throws MalformedLine {
    String[] p = line.strip().split(":", -1);
    if (p.length != 4) {
      throw new MalformedLine("malformed line, contains " + p.length + " parts, expecting 4: \"" + line + "\"");
    }
    return new GroupEntry(p[0], p[1], parseId(p[2], "GID"), p[3]);
  }

  static ShadowEntry parseShadow(String line) throws MalformedLine {
    String[] p = line.strip().split(":", -1);
    if (p.length != 9) {
      throw new MalformedLine("malformed line, contains " + p.length + " parts, expecting 9: \"" + line + "\"");
    }
    return new ShadowEntry(List.of(p));
  }

  private static long parseId(String s, String what) throws MalformedLine {
    try {
      // Go's Atoi then uint32(): accept a sign, wrap to 32 bits
      return Long.parseLong(s) & 0xffffffffL;
    } catch (NumberFormatException e) {
      throw new MalformedLine("failed to parse " + what + " " + s);
    }
  }

  /**
   * The names for tar headers from the image's passwd and group; parsing stops at the first malformed line (what
   * was read so far counts), and a later duplicate id wins, as in apko.
   */
  static OwnerNames ownerNames(byte[] passwd, byte[] group) {
    Map<Long, String> users = new HashMap<>();
    Map<Long, String> groups = new HashMap<>();
    if (passwd != null) {
      for (String l : lines(passwd)) {
        try {
          UserEntry u = parseUser(l);
          users.put(u.uid(), u.name());
        } catch (MalformedLine e) {
          break;
        }
      }
    }
    if (group != null) {
      for (String l : lines(group)) {
        try {
          GroupEntry g = parseGroup(l);
          groups.put(g.gid(), g.name());
        } catch (MalformedLine e) {
          break;
        }
      }
    }
    return new OwnerNames(users, groups);
  }
}
