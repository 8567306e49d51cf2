package dev.apkofarm.core.image;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.TreeException;
import dev.apkofarm.core.install.ApkDatabase;
import dev.apkofarm.core.install.InstalledPackage;
import dev.apkofarm.core.oci.OwnerNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finishes an installed image tree in apko's order: accounts, {@code /etc/apko.json}, path mutations, certificates
 * and bundle checksums, runtime keyring, s6 service bundle, busybox links, {@code /dev} nodes, {@code ld.so.cache},
 * and finally {@code /etc/apk/repositories} rewritten to the runtime set.
 */
public final class Finisher {
  private Finisher() {}

  /**
   * The finished config: the locked config with {@code run-as} resolved to a uid (this is what {@code
   * /etc/apko.json} and the image config show).
   *
   * @param config the config as finished
   * @param warnings things the user may want to know (missing {@code /etc/passwd}, ...)
   */
  public record Result(ImageConfig config, List<String> warnings) {
    public Result {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Finishes {@code tree}.
   *
   * @param config the locked per-arch config (one arch, exact package versions)
   * @param installed the installed packages in install order
   * @param runtimeRepositories what {@code /etc/apk/repositories} lists in the image
   * @param builtTime the build date (seconds) given to files apko dates: certificates, runtime keys
   */
  public static Result finish(
      ImageTree tree,
      ImageConfig config,
      List<InstalledPackage> installed,
      List<String> runtimeRepositories,
      long builtTime)
      throws BadInputException, IOException {
    List<String> warnings = new ArrayList<>();
    Consumer<String> warn = warnings::add;
    ImageConfig finished = config;
    if (config.contents().baseImage().isEmpty()) {
      Optional<String> runAs = Accounts.apply(tree, config.accounts());
      if (!runAs.equals(config.accounts().runAs())) {
        finished =
            config.toBuilder()
                .accounts(
                    new dev.apkofarm.core.config.Accounts(
                        runAs, config.accounts().users(), config.accounts().groups()))
                .build();
      }
    }
    writeApkoJson(tree, finished);
    PathMutations.apply(tree, finished.paths());

    List<CaCertificates.ProviderFiles> providers = new ArrayList<>();
    List<BusyboxLinks.Pkg> pkgs = new ArrayList<>();
    for (InstalledPackage p : installed) {
      providers.add(new CaCertificates.ProviderFiles(p.meta().provides(), p.files()));
      pkgs.add(new BusyboxLinks.Pkg(p.meta().name(), p.meta().version(), p.meta().provides()));
    }
    CaCertificates.install(tree, finished.certificates(), providers, builtTime);
    CaCertificates.writeChecksums(tree, builtTime);
    RuntimeKeyring.install(tree, finished.contents().runtimeKeyring(), builtTime);
    ServiceBundle.write(tree, finished.entrypoint().services());
    BusyboxLinks.install(tree, pkgs, warn);
    charDevices(tree);
    LdSoCache.update(tree, warn);
    ApkDatabase.writeRepositories(tree, runtimeRepositories);
    // On a base image these files are in the base's layers.
    List<String> expected =
        config.contents().baseImage().isPresent() ? List.of() : List.of("etc/passwd", "etc/group", "etc/os-release");
    for (String p : expected) {
      if (tree.stat(p).isEmpty()) {
        warn.accept("/" + p + " is missing");
      }
    }
    return new Result(finished, warnings);
  }

  private static void writeApkoJson(ImageTree tree, ImageConfig config) throws TreeException {
    tree.writeFile("etc/apko.json", ApkoJson.of(config), 0444);
    tree.chmod("etc/apko.json", 0444);
  }

  /** apko's {@code installCharDevices}: the five nodes if missing (mode 0, as apko creates them here). */
  private static void charDevices(ImageTree tree) throws TreeException {
    long[][] devices = {{1, 5}, {1, 9}, {1, 3}, {1, 8}, {5, 1}};
    String[] names = {"zero", "urandom", "null", "random", "console"};
    for (int i = 0; i < names.length; i++) {
      String path = "dev/" + names[i];
      if (tree.stat(path).isPresent()) {
        continue;
      }
      tree.mkdirAll("dev", 0755);
      tree.mknod(path, true, devices[i][0], devices[i][1], 0);
    }
  }

  /** The tar owner names from the finished image's own {@code /etc/passwd} and {@code /etc/group}. */
  public static OwnerNames ownerNames(ImageTree tree) throws IOException {
    return AccountFiles.ownerNames(read(tree, "etc/passwd"), read(tree, "etc/group"));
  }

  private static byte[] read(ImageTree tree, String path) throws IOException {
    try {
      return tree.stat(path).isPresent() ? tree.readFile(path) : null;
    } catch (TreeException e) {
      return null;
    }
  }
}
