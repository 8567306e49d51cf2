package dev.apkofarm.core.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One {@code paths} entry: a change made to the image filesystem after packages are installed, in the order written.
 *
 * <p>Ownership: when neither uid nor gid is set ownership is left alone; when only one is set the other is 0 (apko).
 *
 * @param path {@code path}: the target
 * @param type {@code type}
 * @param uid {@code uid}
 * @param gid {@code gid}
 * @param permissions {@code permissions}: mode bits (0 .. 0o7777; written {@code 0o755} in YAML; 0 when unset, which
 *     apko applies literally)
 * @param source {@code source}: the link target of a {@code symlink}, the existing file of a {@code hardlink}
 * @param recursive {@code recursive}: apply permissions and ownership to everything beneath ({@code directory} and
 *     {@code permissions} only)
 */
public record PathMutation(
    String path,
    Type type,
    OptionalLong uid,
    OptionalLong gid,
    int permissions,
    Optional<String> source,
    boolean recursive) {

  /** What a path mutation does. */
  public enum Type {
    DIRECTORY("directory"),
    EMPTY_FILE("empty-file"),
    HARDLINK("hardlink"),
    SYMLINK("symlink"),
    PERMISSIONS("permissions");

    private final String yamlName;

    Type(String yamlName) {
      this.yamlName = yamlName;
    }

    /** The spelling in the config, e.g. {@code empty-file}. */
    public String yamlName() {
      return yamlName;
    }

    public static Optional<Type> parse(String name) {
      for (Type t : values()) {
        if (t.yamlName.equals(name)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }

    /** Every spelling, for error messages. */
    public static String known() {
      StringBuilder sb = new StringBuilder();
      for (Type t : values()) {
        sb.append(sb.length() == 0 ? "" : ", ").append(t.yamlName);
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return yamlName;
    }
  }

  public PathMutation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(gid, "gid");
    Objects.requireNonNull(source, "source");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("path mutation has no path");
    }
    uid.ifPresent(u -> Ids.requireUint32(u, "uid"));
    gid.ifPresent(g -> Ids.requireUint32(g, "gid"));
    if (permissions < 0 || permissions > Ids.MAX_PERMISSIONS) {
      throw new IllegalArgumentException(
          "permissions 0o" + Integer.toOctalString(permissions) + " out of range (0o0..0o7777)");
    }
    if ((type == Type.SYMLINK || type == Type.HARDLINK) && source.isEmpty()) {
      throw new IllegalArgumentException(type.yamlName.toLowerCase(Locale.ROOT) + " " + path + " needs a source");
    }
  }

  /** The permissions in apko's YAML spelling, e.g. {@code 0o755}. */
  public String permissionsOctal() {
    return "0o" + Integer.toOctalString(permissions);
  }
}
