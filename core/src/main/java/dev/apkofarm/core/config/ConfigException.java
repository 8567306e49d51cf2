package dev.apkofarm.core.config;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.InputText;
import java.util.Optional;

/**
 * A config the user must fix. The message reads {@code FILE:LINE:COLUMN: FIELD.PATH: PROBLEM}, e.g. {@code
 * nginx.yaml:14:5: accounts.users[0].uid: must not be 0}; position and field are left out only when there is none
 * (an unreadable file).
 */
public final class ConfigException extends BadInputException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final int column;
  private final String field;
  private final String problem;

  /**
   * @param file the config file as the user named it (or as an include named it)
   * @param line 1-based line, 0 when unknown
   * @param column 1-based column, 0 when unknown
   * @param field dotted field path such as {@code accounts.users[0].uid}, empty for the whole file
   * @param problem what is wrong, ideally with what would be right
   */
  public ConfigException(String file, int line, int column, String field, String problem) {
    this(file, line, column, field, problem, null);
  }

  public ConfigException(String file, int line, int column, String field, String problem, Throwable cause) {
    super(format(file, line, column, field, problem), cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.field = field;
    this.problem = problem;
  }

  // A config error is one line: whatever the file, field or problem hold (a key with a newline, a quoted value),
  // control characters are escaped so the message cannot forge further lines.
  private static String format(String file, int line, int column, String field, String problem) {
    StringBuilder sb = new StringBuilder(InputText.escape(file));
    if (line > 0) {
      sb.append(':').append(line).append(':').append(column);
    }
    sb.append(": ");
    if (!field.isEmpty()) {
      sb.append(InputText.escape(field)).append(": ");
    }
    return sb.append(InputText.escape(problem)).toString();
  }

  /** The file at fault, as named by the user or by an {@code include}. */
  public String file() {
    return file;
  }

  /** The 1-based line, if known. */
  public Optional<Integer> line() {
    return line > 0 ? Optional.of(line) : Optional.empty();
  }

  /** The 1-based column, if known. */
  public Optional<Integer> column() {
    return line > 0 ? Optional.of(column) : Optional.empty();
  }

  /** The dotted field path, empty for problems with the whole file. */
  public String field() {
    return field;
  }

  /** The problem without file, position and field. */
  public String problem() {
    return problem;
  }
}
