package dev.apkofarm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectImageResponse;
import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.io.AtomicFile;
import dev.apkofarm.core.testing.debian.DebianArchive;
import dev.apkofarm.core.testing.debian.TestDistribution;
import dev.apkofarm.e2e.support.Docker;
import dev.apkofarm.e2e.support.FarmImage;
import dev.apkofarm.e2e.support.NeverPull;
import dev.apkofarm.e2e.support.OneShot;
import dev.apkofarm.e2e.support.RequiresDocker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The farm's own image, built offline by {@code scripts/farm-image} from {@code deploy/apko-farm.yaml}: Java runs
 * in it through the launchers (the JRE's {@code /usr/bin/java} and {@code default-jvm} links resolved), every role
 * answers, the daemons run as their own user with their directories writable, and a coordinator serves and ends on
 * SIGTERM. The image's size and build time are recorded in {@code target/farm-image.txt}.
 */
@RequiresDocker
class FarmImageIT {
  private static final String DAEMON_HOME = "/var/lib/apko-farm";
  private static final long MAX_SIZE_MIB = 400;
  private static FarmImage.Built image;

  @BeforeAll
  static void build() throws IOException {
    DebianArchive.assumeAvailable(TestDistribution.hostArch());
    image = FarmImage.build();
  }

  private static OneShot.Result run(String... command) {
    return OneShot.of(image.reference()).command(command).run();
  }

  private static OneShot.Result sh(String script) {
    return run("sh", "-c", script);
  }

  @Test
  void everyRoleRunsOnTheImagesJavaThroughItsLauncher() {
    String version = EngineVersion.get();
    assertThat(run("apko-coordinator", "--version").lines()).containsExactly("apko-coordinator " + version);
    assertThat(run("apko-worker", "--version").lines()).containsExactly("apko-worker " + version);
    assertThat(run("apko-client", "version").lines()).containsExactly("apko-client " + version);
  }

  @Test
  void javaIsTheDefaultJvmThroughTheLinksDebianWouldMakeAtInstallTime() {
    assertThat(
            sh("command -v java; readlink -f /usr/bin/java; readlink /usr/lib/jvm/default-jvm; "
                    + "java -XshowSettings:properties -version 2>&1 | grep -E '^ +java.(specification.version|home) ='")
                .lines())
        .containsExactly(
            "/usr/bin/java",
            "/usr/lib/jvm/java-17-openjdk-" + DebianArchive.debianArch(TestDistribution.hostArch()) + "/bin/java",
            "java-17-openjdk",
            "    java.home = /usr/lib/jvm/java-17-openjdk-" + DebianArchive.debianArch(TestDistribution.hostArch()),
            "    java.specification.version = 17");
  }

  @Test
  void javaTrustsTheCaBundleThroughItsDefaultTrustStore() {
    int bundle = Integer.parseInt(sh("grep -c 'BEGIN CERTIFICATE' /etc/ssl/certs/ca-certificates.crt").lines().get(0));
    int trusted =
        Integer.parseInt(
            sh("keytool -list -cacerts -storepass changeit | grep -c trustedCertEntry").lines().get(0));
    assertThat(bundle).isGreaterThan(100);
    assertThat(trusted).isEqualTo(bundle);
  }

  @Test
  void imageConfigRunsTheDaemonsAsTheirOwnUserFromTheirHome() {
    InspectImageResponse inspect = Docker.client().inspectImageCmd(image.reference()).exec();
    var config = inspect.getConfig();
    assertThat(config.getUser()).isEqualTo("10001");
    assertThat(config.getEntrypoint()).isNullOrEmpty();
    assertThat(config.getCmd()).containsExactly("apko-coordinator", "--data-dir=" + DAEMON_HOME + "/coordinator");
    assertThat(config.getWorkingDir()).isEqualTo(DAEMON_HOME);
    assertThat(config.getVolumes()).containsOnlyKeys(DAEMON_HOME + "/coordinator");
    assertThat(config.getEnv())
        .contains("APKO_FARM_JAR=/usr/lib/apko-farm/apko-farm.jar", "JAVA_HOME=/usr/lib/jvm/default-jvm")
        .anyMatch(e -> e.startsWith("PATH=/usr/lib/apko-farm/bin:"));
    assertThat(inspect.getArch()).isEqualTo(TestDistribution.hostArch().ociArchitecture());
  }

  @Test
  void dataAndWorkDirectoriesAreTheDaemonUsersAndTmpIsSticky() {
    assertThat(
            sh("id -un; touch coordinator/probe work/probe .probe && echo writable; "
                    + "stat -c '%a %U' /tmp coordinator work")
                .lines())
        .containsExactly("apko", "writable", "1777 root", "750 apko", "750 apko");
  }

  @Test
  void coordinatorServesAndEndsOnSigterm() {
    try (GenericContainer<?> coordinator =
        new GenericContainer<>(image.reference())
            .withImagePullPolicy(NeverPull.INSTANCE)
            .withCommand(
                "apko-coordinator", "--data-dir=" + DAEMON_HOME + "/coordinator", "--health-port=0",
                "--metrics-port=0", "--ready-file=" + DAEMON_HOME + "/ready.json")
            .waitingFor(Wait.forLogMessage(".*apko-coordinator ready, ports: .*\\n", 1))
            .withStartupTimeout(Duration.ofSeconds(120))) {
      coordinator.start();
      var docker = Docker.client();
      docker.stopContainerCmd(coordinator.getContainerId()).withTimeout(30).exec();
      var state = docker.inspectContainerCmd(coordinator.getContainerId()).exec().getState();
      // 0: the daemon's own handler stopped it (its handlers are in place before it says it is ready), not the JVM's
      // default handler (143) nor the SIGKILL docker stop sends after its grace (137).
      assertThat(state.getExitCodeLong()).as("exit code after SIGTERM").isZero();
    }
  }

  @Test
  void recordsTheImageSizeWithinItsBudget() throws IOException {
    long bytes = Docker.client().inspectImageCmd(image.reference()).exec().getSize();
    long mib = bytes / (1024 * 1024);
    String line =
        String.format(
            "farm image %s: %d MiB (%d bytes), scripts/farm-image took %.1f s%n", image.reference(), mib, bytes,
            image.buildTime().toMillis() / 1000.0);
    Path report = Path.of("target", "farm-image.txt");
    Files.createDirectories(report.toAbsolutePath().getParent());
    AtomicFile.write(report, line.getBytes(StandardCharsets.UTF_8));
    System.out.print(line);
    assertThat(mib).as("image size in MiB (log:%n%s)", image.log()).isBetween(50L, MAX_SIZE_MIB);
    assertThat(Arrays.asList(image.log().split("\n"))).anyMatch(l -> l.contains(image.reference() + " loaded"));
  }
}
