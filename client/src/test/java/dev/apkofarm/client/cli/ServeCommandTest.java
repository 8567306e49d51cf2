package dev.apkofarm.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apko-client serve} refuses settings that could not serve safely, with exit 2, before starting anything. */
class ServeCommandTest {
  @TempDir Path tmp;

  private record Run(int exit, String err) {}

  private Run serve(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 3];
    all[0] = "-C";
    all[1] = tmp.toString();
    all[2] = "serve";
    System.arraycopy(args, 0, all, 3, args.length);
    int exit = ApkoClientCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true), Map.of())
        .execute(all);
    return new Run(exit, err.toString());
  }

  @Test
  void refusesAMissingConfigsDirectory() {
    Run r = serve("--configs", "nowhere", "--allow-anonymous");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--configs nowhere is not a directory");
  }

  @Test
  void refusesToServeWithNeitherATokenNorAnonymousPulls() throws Exception {
    Files.createDirectories(tmp.resolve("configs"));
    Run r = serve("--configs", "configs", "--listen", "127.0.0.1:0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--allow-anonymous");
  }

  @Test
  void refusesPlainHttpOffLoopbackWithoutInsecure() throws Exception {
    Files.createDirectories(tmp.resolve("configs"));
    Run r = serve("--configs", "configs", "--listen", "0.0.0.0:0", "--allow-anonymous");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("refusing plaintext registry on 0.0.0.0");
  }

  @Test
  void refusesAListenAddressThatIsNotHostAndPort() throws Exception {
    Files.createDirectories(tmp.resolve("configs"));
    Run r = serve("--configs", "configs", "--listen", "localhost", "--allow-anonymous");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("is not HOST:PORT").doesNotContain("\tat ");
  }
}
