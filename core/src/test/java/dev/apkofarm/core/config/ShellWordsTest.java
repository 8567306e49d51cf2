package dev.apkofarm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Command lines split as apko's shlex splits them. */
class ShellWordsTest {
  @Test
  void blanksSeparateWords() {
    assertThat(ShellWords.split("  /bin/sh\t-l \n x ")).containsExactly("/bin/sh", "-l", "x");
  }

  @Test
  void singleQuotesAreLiteral() {
    assertThat(ShellWords.split("echo 'a \"b\" \\c'")).containsExactly("echo", "a \"b\" \\c");
  }

  @Test
  void doubleQuotesKeepBlanksAndBackslashEscapesAnyCharacter() {
    assertThat(ShellWords.split("nginx -g \"daemon off;\"")).containsExactly("nginx", "-g", "daemon off;");
    assertThat(ShellWords.split("\"a\\\"b\\n\"")).containsExactly("a\"bn");
  }

  @Test
  void quotesJoinWithAdjacentText() {
    assertThat(ShellWords.split("--name='x y'z\"w\"")).containsExactly("--name=x yzw");
  }

  @Test
  void unquotedBackslashEscapesTheNextCharacter() {
    assertThat(ShellWords.split("a\\ b c")).containsExactly("a b", "c");
  }

  @Test
  void emptyQuotesAreAnEmptyWord() {
    assertThat(ShellWords.split("cmd '' \"\" x")).containsExactly("cmd", "", "", "x");
  }

  @Test
  void hashStartsACommentOnlyAtTheStartOfAWord() {
    assertThat(ShellWords.split("run a#b # the rest\nnext")).containsExactly("run", "a#b", "next");
  }

  @Test
  void nothingIsExpanded() {
    assertThat(ShellWords.split("echo $HOME ~ *")).containsExactly("echo", "$HOME", "~", "*");
  }

  @Test
  void emptyAndBlankLinesHaveNoWords() {
    assertThat(ShellWords.split("")).isEmpty();
    assertThat(ShellWords.split(" \t ")).isEmpty();
  }

  @Test
  void unclosedQuoteOrTrailingEscapeIsAnError() {
    assertThatThrownBy(() -> ShellWords.split("echo 'x")).hasMessage("has an unclosed quote");
    assertThatThrownBy(() -> ShellWords.split("echo \"x")).hasMessage("has an unclosed quote");
    assertThatThrownBy(() -> ShellWords.split("echo x\\")).hasMessage("ends after an escape character (\\)");
  }
}
