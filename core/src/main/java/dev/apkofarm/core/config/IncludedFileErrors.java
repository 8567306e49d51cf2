package dev.apkofarm.core.config;

import java.util.regex.Pattern;

/**
 * Errors in an included file say where and what, never what the file holds: an include names a file the including
 * config's author chose, and echoing it would disclose a host file (on a farm, one of the coordinator's). Quoted
 * values are replaced by {@code "…"} and field path segments that are not plain field names by {@code ?}; the user
 * still gets file, line, column and the rule that was broken.
 */
final class IncludedFileErrors {
  private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern SINGLE_QUOTED = Pattern.compile("'[^']*'");
  /** A config field name as apko spells them, with list indexes. */
  private static final Pattern FIELD = Pattern.compile("[a-z][a-z_-]{0,31}(\\[[0-9]+])*");

  private IncludedFileErrors() {}

  /** {@code e} without the file's contents; the cause is dropped too, as it may quote them (--debug prints it). */
  static ConfigException withoutContent(ConfigException e) {
    String problem =
        SINGLE_QUOTED.matcher(DOUBLE_QUOTED.matcher(e.problem()).replaceAll("\"…\"")).replaceAll("'…'");
    return new ConfigException(
        e.file(), e.line().orElse(0), e.column().orElse(0), field(e.field()),
        problem + " (values in included files are not shown)");
  }

  private static String field(String path) {
    if (path.isEmpty()) {
      return path;
    }
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("\\.", -1)) {
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(FIELD.matcher(segment).matches() ? segment : "?");
    }
    return out.toString();
  }
}
