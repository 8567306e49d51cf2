import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The last line of scripts/test: passed, failed and skipped tests over the whole reactor, read from the Surefire and
 * Failsafe XML reports this run wrote (reports older than the marker file are a previous run's and are ignored).
 * Run with the JDK's source launcher, so it needs nothing but Java: {@code java TestSummary.java MARKER ROOT...}.
 * Exits 3 when CI=true and a test was skipped: in CI every test runs.
 */
public class TestSummary {
  public static void main(String[] args) throws Exception {
    long since = Files.getLastModifiedTime(Path.of(args[0])).toMillis();
    int passed = 0;
    List<String> failed = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      for (Path report : reports(Path.of(args[i]), since)) {
        NodeList cases = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
            .getElementsByTagName("testcase");
        for (int c = 0; c < cases.getLength(); c++) {
          Element t = (Element) cases.item(c);
          String name = simpleName(t.getAttribute("classname")) + "." + t.getAttribute("name");
          if (has(t, "failure") || has(t, "error")) {
            failed.add(name);
          } else if (has(t, "skipped")) {
            Element s = (Element) t.getElementsByTagName("skipped").item(0);
            String why = s.getAttribute("message");
            skipped.add(why.isBlank() ? name : name + ": " + why.lines().findFirst().orElse(""));
          } else {
            passed++;
          }
        }
      }
    }
    for (String f : failed) {
      System.out.println("failed: " + f);
    }
    StringBuilder line = new StringBuilder();
    line.append(passed).append(" passed, ").append(failed.size()).append(" failed, ").append(skipped.size())
        .append(" skipped");
    if (!skipped.isEmpty()) {
      line.append(" (").append(String.join("; ", skipped)).append(")");
    }
    System.out.println(line);
    if (!skipped.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
      System.exit(3);
    }
  }

  private static boolean has(Element testcase, String child) {
    return testcase.getElementsByTagName(child).getLength() > 0;
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  /** TEST-*.xml under any target/{surefire,failsafe}-reports below root, written since the marker. */
  private static List<Path> reports(Path root, long since) throws IOException {
    try (Stream<Path> files = Files.find(root, 6, (p, a) -> a.isRegularFile()
        && a.lastModifiedTime().toMillis() >= since
        && p.getFileName().toString().startsWith("TEST-") && p.getFileName().toString().endsWith(".xml")
        && p.getParent().getFileName().toString().matches("(surefire|failsafe)-reports")
        && p.getParent().getParent().getFileName().toString().equals("target"))) {
      return files.sorted().toList();
    }
  }
}
