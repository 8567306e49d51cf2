package dev.apkofarm.core.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * apko's golden test image ({@code apko/cli/testdata} in the fixtures): how apko's own test builds it, and the digests
 * of what it wrote. Our builds of it must give the same diff_ids, configs, manifests and index.
 */
public final class ApkoGolden {
  /** The config, relative to {@link Fixtures#apkoCli()}. */
  public static final String CONFIG = "testdata/apko.yaml";
  /** The image reference apko's test builds it as. */
  public static final String REFERENCE = "golden:latest";

  public static final String AMD64_LAYER = "sha256:c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738";
  public static final String ARM64_LAYER = "sha256:7e0f9d62f6cab4785e18a55f17d03f20ffb776881f1f46258efd9458f7cdaf08";
  public static final String AMD64_DIFF_ID = "sha256:20f698463c2755b6dc42b7d07e959ed7455a06e7367d507e829a315898f21a01";
  public static final String ARM64_DIFF_ID = "sha256:ca5e16c7c944d764863cb1a4286e668e72d6d87ef9ddd82337b19d87715bae7e";
  public static final String AMD64_CONFIG = "sha256:6c815259150f37d000417f9a93f41bddf74dff905c745986069d4b03e954ac1d";
  public static final String ARM64_CONFIG = "sha256:fbb854f9d5a601a36c4dc8cc82e5b21e91b11cdd4aab5035340e4f517c5a8eb1";
  public static final String AMD64_MANIFEST =
      "sha256:69f0237c7f8cf0b8a329d1bf1d6870c870c4ec323e39d3a6da59596632d0f2f4";
  public static final String ARM64_MANIFEST =
      "sha256:124c885f834cfaf1329987457a9651a68c4fb9733d4462ae6288b98011277858";
  public static final String INDEX = "sha256:b5f05e6fc882c97d61c1daee566954ae6fc09924f8e152293e2b97a06092069f";

  private ApkoGolden() {}

  /**
   * The process environment without {@code SOURCE_DATE_EPOCH}: apko's golden image is defined with it unset, so a
   * command building it gets this environment whatever the shell running the tests exports.
   */
  public static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("SOURCE_DATE_EPOCH");
    return env;
  }

  /** The annotations apko's test passes on the command line, in its order. */
  public static Map<String, String> annotations() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("org.opencontainers.image.vendor", "Vendor");
    a.put("org.opencontainers.image.title", "Title");
    return a;
  }

  /** {@link #annotations()} as command-line arguments: {@code --annotations KEY:VALUE} for each. */
  public static List<String> annotationArgs() {
    List<String> args = new ArrayList<>();
    annotations().forEach((k, v) -> args.addAll(List.of("--annotations", k + ":" + v)));
    return args;
  }
}
