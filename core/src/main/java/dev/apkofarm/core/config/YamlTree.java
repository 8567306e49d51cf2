package dev.apkofarm.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document read into nodes that remember where they were written, so that every config error can name its
 * line and column. Built from Jackson's streaming YAML parser; supports anchors, aliases and {@code <<} merge keys as
 * apko's YAML library does, and refuses duplicate keys.
 */
final class YamlTree {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlTree() {}

  /** A 1-based position in a file. */
  record Mark(int line, int column) {}

  /** A node of the document. */
  sealed interface Node permits Scalar, Sequence, Mapping {
    Mark mark();

    /** How error messages name this kind of node. */
    String describe();
  }

  /**
   * A scalar with its text exactly as written (never a converted value) and how the YAML parser resolved it.
   *
   * @param kind how a plain scalar resolves ({@link Kind#STRING} for every quoted or block scalar)
   * @param quoted whether it was written in quotes (then it is a string whatever it looks like)
   */
  record Scalar(String text, Kind kind, boolean quoted, Mark mark) implements Node {
    enum Kind {
      STRING,
      INT,
      FLOAT,
      BOOL,
      NULL
    }

    boolean isNull() {
      return kind == Kind.NULL;
    }

    @Override
    public String describe() {
      return switch (kind) {
        case NULL -> "null";
        case STRING -> quoted ? "the string \"" + text + "\"" : "\"" + text + "\"";
        default -> text;
      };
    }
  }

  /** A list. */
  record Sequence(List<Node> items, Mark mark) implements Node {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /** One key of a mapping with the position of the key itself. */
  record Entry(String key, Mark keyMark, Node value) {}

  /** A mapping, entries in the order written. */
  record Mapping(Map<String, Entry> entries, Mark mark) implements Node {
    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** A problem in the YAML itself, positioned. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    final Mark mark;

    SyntaxException(Mark mark, String message, Throwable cause) {
      super(message, cause);
      this.mark = mark;
    }
  }

  /**
   * Parses the first document of {@code text}; null for an empty document.
   *
   * @throws SyntaxException for malformed YAML, duplicate keys, unknown aliases or a second document
   */
  static Node parse(String text) throws SyntaxException {
    try (YAMLParser parser = FACTORY.createParser(new StringReader(text))) {
      Reader reader = new Reader(parser, text);
      if (parser.nextToken() == null) {
        return null;
      }
      Node root = reader.node();
      JsonToken after = parser.nextToken();
      if (after != null) {
        throw new SyntaxException(
            reader.mark(), "a second YAML document starts here; a config is a single document", null);
      }
      return root;
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
        // snakeyaml knows where the problem is and what it is; Jackson's message repeats it less clearly.
        Mark mark = new Mark(y.getProblemMark().getLine() + 1, y.getProblemMark().getColumn() + 1);
        String context = y.getContext() == null ? "" : " (" + y.getContext().trim() + ")";
        throw new SyntaxException(mark, "invalid YAML: " + y.getProblem().trim() + context, e);
      }
      JsonLocation loc = e.getLocation();
      Mark mark = loc == null ? new Mark(0, 0) : new Mark(loc.getLineNr(), loc.getColumnNr());
      throw new SyntaxException(mark, "invalid YAML: " + firstLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new SyntaxException(new Mark(0, 0), "invalid YAML: " + e.getMessage(), e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  /** Reads nodes off the parser; the parser stands on the node's first token on entry. */
  private static final class Reader {
    private final YAMLParser parser;
    private final String text;
    private final Map<String, Node> anchors = new HashMap<>();

    Reader(YAMLParser parser, String text) {
      this.parser = parser;
      this.text = text;
    }

    Mark mark() {
      JsonLocation loc = parser.currentTokenLocation();
      return new Mark(loc.getLineNr(), loc.getColumnNr());
    }

    Node node() throws IOException, SyntaxException {
      Mark mark = mark();
      String anchor = parser.getCurrentAnchor();
      JsonToken token = parser.currentToken();
      Node node;
      if (parser.isCurrentAlias()) {
        node = anchors.get(parser.getText());
        if (node == null) {
          throw new SyntaxException(mark, "unknown alias *" + parser.getText(), null);
        }
        return node;
      }
      switch (token) {
        case START_OBJECT -> node = mapping(mark);
        case START_ARRAY -> node = sequence(mark);
        default -> node = scalar(token, mark);
      }
      if (anchor != null) {
        anchors.put(anchor, node);
      }
      return node;
    }

    private Scalar scalar(JsonToken token, Mark mark) throws IOException {
      String value = parser.getText();
      boolean quoted = isQuoteAt(parser.currentTokenLocation().getCharOffset());
      Scalar.Kind kind =
          switch (token) {
            case VALUE_NUMBER_INT -> Scalar.Kind.INT;
            case VALUE_NUMBER_FLOAT -> Scalar.Kind.FLOAT;
            case VALUE_TRUE, VALUE_FALSE -> Scalar.Kind.BOOL;
            case VALUE_NULL -> Scalar.Kind.NULL;
            default -> Scalar.Kind.STRING;
          };
      return new Scalar(value == null ? "" : value, kind, quoted, mark);
    }

    // Jackson does not expose the scalar style; the token starts at the opening quote when there is one.
    private boolean isQuoteAt(long offset) {
      if (offset < 0 || offset >= text.length()) {
        return false;
      }
      char c = text.charAt((int) offset);
      return c == '"' || c == '\'';
    }

    private Sequence sequence(Mark mark) throws IOException, SyntaxException {
      List<Node> items = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        items.add(node());
      }
      return new Sequence(Collections.unmodifiableList(items), mark);
    }

    private Mapping mapping(Mark mark) throws IOException, SyntaxException {
      LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
      List<Node> merges = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_OBJECT) {
        String key = parser.currentName();
        Mark keyMark = mark();
        parser.nextToken();
        Node value = node();
        if (key.equals("<<")) {
          merges.add(value);
          continue;
        }
        Entry previous = entries.put(key, new Entry(key, keyMark, value));
        if (previous != null) {
          throw new SyntaxException(
              keyMark,
              "duplicate key \"" + key + "\" (first at line " + previous.keyMark().line() + ")",
              null);
        }
      }
      for (Node merge : merges) {
        mergeInto(entries, merge);
      }
      return new Mapping(Collections.unmodifiableMap(entries), mark);
    }

    // YAML merge keys: keys written in the mapping win over merged ones; earlier merged mappings win over later ones.
    private static void mergeInto(Map<String, Entry> entries, Node merge) throws SyntaxException {
      if (merge instanceof Mapping m) {
        m.entries().forEach(entries::putIfAbsent);
      } else if (merge instanceof Sequence s && s.items().stream().allMatch(n -> n instanceof Mapping)) {
        for (Node n : s.items()) {
          ((Mapping) n).entries().forEach(entries::putIfAbsent);
        }
      } else {
        throw new SyntaxException(merge.mark(), "a << merge key needs a mapping or a list of mappings", null);
      }
    }
  }
}
