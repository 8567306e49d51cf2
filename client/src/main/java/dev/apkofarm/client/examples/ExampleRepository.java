package dev.apkofarm.client.examples;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.index.IndexWriter;
import dev.apkofarm.core.apk.pkg.PackageContent;
import dev.apkofarm.core.apk.pkg.PackageSpec;
import dev.apkofarm.core.apk.pkg.PackageWriter;
import dev.apkofarm.core.apk.sign.SignatureAlgorithm;
import dev.apkofarm.core.apk.sign.SigningKey;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Builds the examples' signed repository from plain files with the project's own package and index writers:
 * every {@code examples/packages/<name>/} (a {@code package.properties} and a {@code files/} tree) becomes a package
 * in {@code examples/repository/<arch>/}, signed with the committed example key, for both example archs. File modes
 * are normalised (0755 for directories and executables, 0644 otherwise) and times fixed, so every clone builds the
 * same bytes whatever its umask.
 */
public final class ExampleRepository {
  /** The fixed build date of the example packages (2024-01-01T00:00:00Z). */
  static final long BUILD_DATE = 1_704_067_200L;

  private ExampleRepository() {}

  /** {@code ExampleRepository EXAMPLES_DIR}: (re)writes {@code EXAMPLES_DIR/repository}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ExampleRepository EXAMPLES_DIR");
    }
    Path out = write(Path.of(args[0]));
    System.out.println("example repository written to " + out);
  }

  /** Writes the repository atomically (temp directory, then rename) and returns it. */
  public static Path write(Path examples) throws IOException, BadInputException {
    SigningKey key = SigningKey.load(examples.resolve("keys").resolve("apko-farm-example.rsa"));
    Path target = examples.resolve("repository");
    Path tmp = Files.createTempDirectory(examples, ".repository-");
    try {
      Files.writeString(tmp.resolve(key.name()), key.publicKey().pem(), StandardCharsets.US_ASCII);
      List<Path> packages;
      try (Stream<Path> s = Files.list(examples.resolve("packages"))) {
        packages = s.filter(Files::isDirectory).sorted().toList();
      }
      for (Path dir : packages) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("package.properties"), StandardCharsets.UTF_8)) {
          p.load(r);
        }
        for (String arch : List.of("x86_64", "aarch64")) {
          PackageContent content = content(dir.resolve("files"), p, arch);
          // A package with a program is machine code for one arch; the others are plain files for any.
          String packageArch = p.getProperty("program") != null ? arch : p.getProperty("arch", "noarch");
          PackageSpec spec = PackageSpec.builder(p.getProperty("name", dir.getFileName().toString()),
                  p.getProperty("version"), packageArch)
              .description(p.getProperty("description", ""))
              .license(p.getProperty("license", "CC0-1.0"))
              .origin(p.getProperty("origin", p.getProperty("name", dir.getFileName().toString())))
              .url("https://github.com/apko-farm/apko-farm/tree/main/examples")
              .maintainer("apko-farm examples")
              .buildDate(BUILD_DATE)
              .depends(words(p.getProperty("depends", "")))
              .provides(words(p.getProperty("provides", "")))
              .build();
          Path apk = tmp.resolve(arch).resolve(spec.name() + "-" + spec.version() + ".apk");
          Files.createDirectories(apk.getParent());
          PackageWriter.write(spec, content, Optional.of(key), SignatureAlgorithm.RSA_SHA256, apk);
        }
      }
      for (String arch : List.of("x86_64", "aarch64")) {
        IndexWriter.writeDirectory(tmp.resolve(arch), Optional.of(key), SignatureAlgorithm.RSA_SHA256,
            "apko-farm examples");
      }
      if (Files.exists(target)) {
        deleteTree(target);
      }
      Files.move(tmp, target);
      return target;
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
  }

  private static List<String> words(String s) {
    return s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
  }

  /**
   * The package's files with normalised modes, plus {@code symlinks} ({@code path:target ...}) and, for
   * {@code program=PATH}, a {@link StaticProgram} for {@code arch} at PATH printing {@code program-prints}.
   */
  private static PackageContent content(Path files, Properties p, String arch) throws IOException {
    PackageContent.Builder b = PackageContent.builder();
    java.util.Set<String> directories = new java.util.HashSet<>();
    if (Files.isDirectory(files)) {
      List<Path> all;
      try (Stream<Path> s = Files.walk(files)) {
        all = s.filter(x -> !x.equals(files)).sorted(Comparator.comparing(Path::toString)).toList();
      }
      for (Path f : all) {
        String rel = files.relativize(f).toString().replace('\\', '/');
        if (Files.isDirectory(f)) {
          b.directory(rel, 0755);
          directories.add(rel);
        } else {
          b.file(rel, f, Files.isExecutable(f) ? 0755 : 0644);
        }
      }
    }
    String program = p.getProperty("program");
    if (program != null) {
      for (int slash = program.indexOf('/'); slash > 0; slash = program.indexOf('/', slash + 1)) {
        if (directories.add(program.substring(0, slash))) {
          b.directory(program.substring(0, slash), 0755);
        }
      }
      b.file(program, StaticProgram.printing(arch, p.getProperty("program-prints", "")), 0755);
    }
    for (String link : words(p.getProperty("symlinks", ""))) {
      int colon = link.indexOf(':');
      b.symlink(link.substring(0, colon), link.substring(colon + 1));
    }
    return b.build();
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(x);
      }
    }
  }

}
