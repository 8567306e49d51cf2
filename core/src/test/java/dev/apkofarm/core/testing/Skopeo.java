package dev.apkofarm.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code skopeo} as an independent registry client for checking what was pushed.
 *
 * @param certDir a directory with the registry's {@code ca.crt} (TLS), or empty for plain HTTP
 * @param authFile a docker config with credentials, if the registry needs them
 */
public record Skopeo(Optional<Path> certDir, Optional<Path> authFile) {
  /** For a plain-HTTP registry without auth. */
  public static Skopeo plain() {
    ExternalTools.require("skopeo");
    return new Skopeo(Optional.empty(), Optional.empty());
  }

  /**
   * For a TLS registry whose certificate {@code caCertificate} signed, with the credentials of the docker config
   * {@code authFile}; the CA is copied to {@code workDir/skopeo-certs/ca.crt}, where skopeo looks for it.
   */
  public static Skopeo tls(Path caCertificate, Path authFile, Path workDir) throws IOException {
    ExternalTools.require("skopeo");
    Path certDir = Files.createDirectories(workDir.resolve("skopeo-certs"));
    Files.copy(caCertificate, certDir.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
    return new Skopeo(Optional.of(certDir), Optional.of(authFile));
  }

  /** {@code skopeo inspect --raw docker://REF}: the manifest bytes as stored. */
  public String inspectRaw(String ref) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("skopeo", "inspect", "--raw"));
    cmd.addAll(sourceFlags("--"));
    cmd.add("docker://" + ref);
    return ExternalTools.run(cmd).ok().stdout();
  }

  /** {@code skopeo copy} of one platform of REF into a {@code dir:} directory. */
  public ExternalTools.Result copyPlatform(String ref, String arch, Path target)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of("skopeo", "--insecure-policy", "--override-os", "linux", "--override-arch", arch, "copy"));
    cmd.addAll(sourceFlags("--src-"));
    cmd.add("docker://" + ref);
    cmd.add("dir:" + target);
    return ExternalTools.run(cmd);
  }

  private List<String> sourceFlags(String prefix) {
    List<String> flags = new ArrayList<>();
    if (certDir.isPresent()) {
      flags.add(prefix + "cert-dir=" + certDir.get());
    } else {
      flags.add(prefix + "tls-verify=false");
    }
    authFile.ifPresent(f -> flags.add(prefix + "authfile=" + f));
    return flags;
  }
}
