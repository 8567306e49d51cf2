package dev.apkofarm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Accounts;
import dev.apkofarm.core.config.AdditionalCertificate;
import dev.apkofarm.core.config.Certificates;
import dev.apkofarm.core.config.Group;
import dev.apkofarm.core.config.PathMutation;
import dev.apkofarm.core.config.RuntimeKey;
import dev.apkofarm.core.config.User;
import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.fs.Symlink;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.OwnerNames;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FinishingStepsTest {
  private final ImageTree tree = new ImageTree();

  private String text(String path) throws Exception {
    return new String(tree.readFile(path), StandardCharsets.UTF_8);
  }

  private static String testCa() throws Exception {
    try (InputStream in = FinishingStepsTest.class.getResourceAsStream("test-ca.pem")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void accountsAppendUsersGroupsShadowAndHomes() throws Exception {
    tree.mkdir("etc", 0755);
    tree.writeFile("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0644);
    tree.writeFile("etc/shadow", "root:*:19000:0:::::\n".getBytes(StandardCharsets.UTF_8), 0640);
    Accounts accounts =
        new Accounts(
            Optional.of("nonroot"),
            List.of(new User("nonroot", 65532, OptionalLong.of(65532), Optional.empty(), "")),
            List.of(new Group("nonroot", 65532, List.of("nonroot"))));

    Optional<String> runAs = dev.apkofarm.core.image.Accounts.apply(tree, accounts);

    assertThat(runAs).contains("65532");
    assertThat(text("etc/group")).isEqualTo("nonroot:x:65532:nonroot\n");
    assertThat(text("etc/passwd"))
        .isEqualTo(
            "root:x:0:0:root:/root:/bin/sh\n"
                + "nonroot:x:65532:65532:Account created by apko:/home/nonroot:/bin/sh\n");
    // apko's shadow parser drops the last-change field of existing lines
    assertThat(text("etc/shadow")).isEqualTo("root:*::0:::::\nnonroot:!:::::::\n");
    Directory home = (Directory) tree.get("home/nonroot");
    assertThat(home.mode()).isEqualTo(0700);
    assertThat(home.uid()).isEqualTo(65532);
    assertThat(tree.get("root").mode()).isEqualTo(0700);
    assertThat(tree.get("home").mode()).isEqualTo(0755);
  }

  @Test
  void passwdIsCreatedEvenWithoutAccounts() throws Exception {
    tree.mkdir("etc", 0755);

    dev.apkofarm.core.image.Accounts.apply(tree, Accounts.NONE);

    assertThat(tree.getFile("etc/passwd").size()).isZero();
    assertThat(tree.stat("etc/group")).isEmpty();
    assertThat(tree.stat("etc/shadow")).isEmpty();
  }

  @Test
  void malformedPasswdIsAnErrorNamingTheFile() throws Exception {
    tree.mkdir("etc", 0755);
    tree.writeFile("etc/passwd", "broken line\n".getBytes(StandardCharsets.UTF_8), 0644);

    assertThatThrownBy(() -> dev.apkofarm.core.image.Accounts.apply(tree, Accounts.NONE))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("/etc/passwd");
  }

  @Test
  void ownerNamesComeFromTheImagesOwnFilesAndStopAtTheFirstBadLine() {
    OwnerNames n =
        AccountFiles.ownerNames(
            "root:x:0:0::/root:/bin/sh\nbad\nnobody:x:65534:65534::/:/bin/false\n".getBytes(StandardCharsets.UTF_8),
            "root:x:0:\n".getBytes(StandardCharsets.UTF_8));

    assertThat(n.users()).containsExactly(Map.entry(0L, "root"));
    assertThat(n.groups()).containsExactly(Map.entry(0L, "root"));
  }

  @Test
  void pathMutationsFollowApko() throws Exception {
    tree.mkdirAll("usr/bin", 0755);
    tree.writeFile("usr/bin/tool", "x".getBytes(StandardCharsets.UTF_8), 0755);
    List<PathMutation> paths =
        List.of(
            new PathMutation("/var/lib/app", PathMutation.Type.DIRECTORY, OptionalLong.of(1000), OptionalLong.empty(),
                02775, Optional.empty(), true),
            new PathMutation("/etc/app/empty", PathMutation.Type.EMPTY_FILE, OptionalLong.empty(),
                OptionalLong.empty(), 0600, Optional.empty(), false),
            new PathMutation("/usr/bin/alias", PathMutation.Type.SYMLINK, OptionalLong.empty(), OptionalLong.empty(),
                0750, Optional.of("/usr/bin/tool"), false),
            new PathMutation("/usr/bin/copy", PathMutation.Type.HARDLINK, OptionalLong.empty(), OptionalLong.empty(),
                0755, Optional.of("/usr/bin/tool"), false));

    PathMutations.apply(tree, paths);

    assertThat(tree.get("var/lib/app").mode()).isEqualTo(02775);
    assertThat(tree.get("var/lib/app").uid()).isEqualTo(1000);
    assertThat(tree.get("var/lib/app").gid()).isZero();
    assertThat(tree.get("var").mode()).isEqualTo(02775); // created by MkdirAll with the same mode, as apko
    assertThat(tree.getFile("etc/app/empty").mode()).isEqualTo(0600);
    assertThat(tree.lstat("usr/bin/alias")).containsInstanceOf(Symlink.class);
    // apko's permission pass follows the new symlink to its target, then the hardlink shares the node
    assertThat(tree.lstat("usr/bin/copy").get()).isSameAs(tree.get("usr/bin/tool"));
    assertThat(tree.get("usr/bin/tool").mode()).isEqualTo(0755);
    assertThat(tree.get("usr/bin/tool").hardlinkTargetFor("usr/bin/copy")).isEmpty();
  }

  @Test
  void aSymlinkOverAnExistingPathIsAConflictNamingTheEntry() throws Exception {
    tree.mkdirAll("etc", 0755);
    tree.writeFile("etc/x", new byte[0], 0644);

    assertThatThrownBy(
            () ->
                PathMutations.apply(
                    tree,
                    List.of(
                        new PathMutation("/etc/x", PathMutation.Type.SYMLINK, OptionalLong.empty(),
                            OptionalLong.empty(), 0777, Optional.of("/y"), false))))
        .isInstanceOf(BadInputException.class)
        .hasMessage("paths[0] (symlink /etc/x): file \"/etc/x\" already exists");
  }

  @Test
  void additionalCertificatesGoToTheDirectoryAndBundlesWithChecksums() throws Exception {
    String ca = testCa();
    tree.mkdirAll("etc/ssl/certs", 0755);
    tree.writeFile("etc/ssl/certs/ca-certificates.crt", "EXISTING\n".getBytes(StandardCharsets.UTF_8), 0644);
    Certificates certs = new Certificates(List.of(new AdditionalCertificate("corp", "junk before\n" + ca)), List.of());

    CaCertificates.install(tree, Optional.of(certs), List.of(), 1234);
    CaCertificates.writeChecksums(tree, 1234);

    CaCertificates.Cert parsed = CaCertificates.parse(ca);
    String file = "usr/local/share/ca-certificates/corp-" + parsed.fingerprint() + ".crt";
    assertThat(tree.readFile(file)).isEqualTo(parsed.pem());
    assertThat(tree.get(file).mtime()).isEqualTo(1234);
    String bundle = text("etc/ssl/certs/ca-certificates.crt");
    assertThat(bundle).isEqualTo("EXISTING\n" + new String(parsed.pem(), StandardCharsets.US_ASCII) + "\n");
    RegularFile sidecar = tree.getFile("etc/ssl/certs/.ca-certificates.crt.sha256");
    assertThat(sidecar.mode()).isEqualTo(0444);
    assertThat(new String(sidecar.content().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo(Digest.of(bundle.getBytes(StandardCharsets.UTF_8)).hex() + "  ca-certificates.crt\n");
  }

  @Test
  void refusesTwoCertificatesInOneEntry() throws Exception {
    String ca = testCa();

    assertThatThrownBy(() -> CaCertificates.parse(ca + ca)).hasMessageContaining("only one is allowed");
  }

  @Test
  void runtimeKeysAreWrittenCanonicallyAndNeverOverwriteAKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    byte[] der = g.generateKeyPair().getPublic().getEncoded();
    String pem =
        "comment\n-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
            + "\n-----END PUBLIC KEY-----\n";
    tree.mkdirAll("etc/apk/keys", 0755);
    tree.writeFile("etc/apk/keys/taken.rsa.pub", new byte[0], 0644);

    RuntimeKeyring.install(tree, List.of(new RuntimeKey("runtime.rsa.pub", pem)), 77);

    assertThat(text("etc/apk/keys/runtime.rsa.pub")).startsWith("-----BEGIN PUBLIC KEY-----\n");
    assertThat(tree.get("etc/apk/keys/runtime.rsa.pub").mtime()).isEqualTo(77);
    assertThatThrownBy(() -> RuntimeKeyring.install(tree, List.of(new RuntimeKey("taken.rsa.pub", pem)), 77))
        .hasMessageContaining("collides");
  }

  @Test
  void serviceBundleWritesExeclineRunScripts() throws Exception {
    ServiceBundle.write(tree, Map.of("nginx", "/usr/sbin/nginx -c /etc/nginx/nginx.conf"));

    assertThat(text("sv/nginx/run")).isEqualTo("#!/bin/execlineb\n/usr/sbin/nginx -c /etc/nginx/nginx.conf\n");
    assertThat(tree.get("sv/nginx/run").mode()).isEqualTo(0755);
    assertThat(tree.get("sv").mode()).isEqualTo(0777);
  }

  @Test
  void busyboxLinksComeFromItsPathsFileAndTakeItsTime() throws Exception {
    tree.mkdirAll("bin", 0755);
    tree.mkdirAll("etc/busybox-paths.d", 0755);
    tree.writeFile("bin/busybox", "elf".getBytes(StandardCharsets.UTF_8), 0755).setMtime(555);
    tree.writeFile("bin/ls", "real ls".getBytes(StandardCharsets.UTF_8), 0755);
    tree.writeFile(
        "etc/busybox-paths.d/busybox",
        "/bin/busybox\n/bin/sh\n/bin/ls\n/usr/sbin/crond\n".getBytes(StandardCharsets.UTF_8),
        0644);

    BusyboxLinks.install(tree, List.of(new BusyboxLinks.Pkg("busybox", "1.36.1-r0", List.of())), w -> {});

    assertThat(tree.readlink("bin/sh")).isEqualTo("/bin/busybox");
    assertThat(tree.readlink("usr/sbin/crond")).isEqualTo("/bin/busybox");
    assertThat(tree.lstat("bin/ls")).containsInstanceOf(RegularFile.class);
    assertThat(tree.get("usr/sbin").mtime()).isEqualTo(555);
    assertThat(tree.lstat("bin/sh").get().mtime()).isEqualTo(555);
  }
}
