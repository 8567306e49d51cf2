package dev.apkofarm.core.sbom;

import dev.apkofarm.core.EngineVersion;
import java.util.List;

/**
 * How SBOMs name the tool that produced them: the {@code creators} lines, the document namespace, and the supplier
 * and source of the index package (apko names itself and Chainguard there; we name apko-farm).
 *
 * @param creators {@code creationInfo.creators}
 * @param namespace {@code documentNamespace}
 * @param indexSupplierName organisation named as supplier of the index package
 * @param indexSourceInfo {@code sourceInfo} of the index package
 */
public record SbomTool(List<String> creators, String namespace, String indexSupplierName, String indexSourceInfo) {
  public SbomTool {
    creators = List.copyOf(creators);
  }

  /** apko-farm at the running engine version. */
  public static SbomTool apkoFarm() {
    return new SbomTool(
        List.of("Tool: apko-farm (" + EngineVersion.get() + ")", "Organization: apko-farm"),
        "https://spdx.org/spdxdocs/apko-farm/",
        "apko-farm",
        "Generated at image build time by apko-farm");
  }
}
