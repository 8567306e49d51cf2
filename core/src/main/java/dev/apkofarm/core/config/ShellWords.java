package dev.apkofarm.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way apko does for {@code entrypoint.command} and {@code cmd} (the rules of
 * Google's {@code shlex}, a simplified POSIX shell): blanks ({@code space, tab, CR, LF}) separate words; {@code '...'}
 * quotes literally; {@code "..."} quotes with backslash escaping any next character; an unquoted backslash escapes
 * the next character; {@code #} at the start of a word begins a comment up to the end of the line; {@code ''} is an
 * empty word. Nothing is expanded.
 */
final class ShellWords {
  private ShellWords() {}

  private enum State {
    START,
    WORD,
    ESCAPE,
    QUOTED_ESCAPE,
    DOUBLE,
    SINGLE,
    COMMENT
  }

  /**
   * The words of {@code line}.
   *
   * @throws IllegalArgumentException for an unclosed quote or a trailing backslash
   */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    State state = State.START;
    int i = 0;
    while (i < line.length()) {
      int c = line.codePointAt(i);
      i += Character.charCount(c);
      switch (state) {
        case START -> {
          if (c == '"') {
            state = State.DOUBLE;
          } else if (c == '\'') {
            state = State.SINGLE;
          } else if (c == '\\') {
            state = State.ESCAPE;
          } else if (c == '#') {
            state = State.COMMENT;
          } else if (!isBlank(c)) {
            word.appendCodePoint(c);
            state = State.WORD;
          }
        }
        case WORD -> {
          if (isBlank(c)) {
            words.add(word.toString());
            word.setLength(0);
            state = State.START;
          } else if (c == '"') {
            state = State.DOUBLE;
          } else if (c == '\'') {
            state = State.SINGLE;
          } else if (c == '\\') {
            state = State.ESCAPE;
          } else {
            word.appendCodePoint(c);
          }
        }
        case ESCAPE -> {
          word.appendCodePoint(c);
          state = State.WORD;
        }
        case QUOTED_ESCAPE -> {
          word.appendCodePoint(c);
          state = State.DOUBLE;
        }
        case DOUBLE -> {
          if (c == '"') {
            state = State.WORD;
          } else if (c == '\\') {
            state = State.QUOTED_ESCAPE;
          } else {
            word.appendCodePoint(c);
          }
        }
        case SINGLE -> {
          if (c == '\'') {
            state = State.WORD;
          } else {
            word.appendCodePoint(c);
          }
        }
        case COMMENT -> {
          if (c == '\n') {
            state = State.START;
          }
        }
      }
    }
    switch (state) {
      case WORD -> words.add(word.toString());
      case ESCAPE, QUOTED_ESCAPE -> throw new IllegalArgumentException("ends after an escape character (\\)");
      case DOUBLE, SINGLE -> throw new IllegalArgumentException("has an unclosed quote");
      default -> {}
    }
    return List.copyOf(words);
  }

  private static boolean isBlank(int c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
