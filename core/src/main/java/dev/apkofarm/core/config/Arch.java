package dev.apkofarm.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A target architecture. Its canonical form is the OCI name apko uses ({@code amd64}, {@code arm64},
 * {@code arm/v7}); both the OCI and the apk spellings are accepted when parsing.
 *
 * <p>Ordering is by OCI name, which is how apko sorts {@code archs}.
 */
public enum Arch {
  X86("386", "x86", "386", Optional.empty()),
  AMD64("amd64", "x86_64", "amd64", Optional.empty()),
  ARM64("arm64", "aarch64", "arm64", Optional.empty()),
  ARMV6("arm/v6", "armhf", "arm", Optional.of("v6")),
  ARMV7("arm/v7", "armv7", "arm", Optional.of("v7")),
  LOONG64("loong64", "loongarch64", "loong64", Optional.empty()),
  PPC64LE("ppc64le", "ppc64le", "ppc64le", Optional.empty()),
  RISCV64("riscv64", "riscv64", "riscv64", Optional.empty()),
  S390X("s390x", "s390x", "s390x", Optional.empty());

  private final String ociName;
  private final String apkName;
  private final String ociArchitecture;
  private final Optional<String> ociVariant;

  Arch(String ociName, String apkName, String ociArchitecture, Optional<String> ociVariant) {
    this.ociName = ociName;
    this.apkName = apkName;
    this.ociArchitecture = ociArchitecture;
    this.ociVariant = ociVariant;
  }

  /** The apko/OCI spelling, e.g. {@code amd64}, {@code arm/v7}. */
  public String ociName() {
    return ociName;
  }

  /** The apk spelling used in repository paths and indexes, e.g. {@code x86_64}, {@code armv7}. */
  public String apkName() {
    return apkName;
  }

  /** The OCI platform {@code architecture} field, e.g. {@code arm} for {@code arm/v7}. */
  public String ociArchitecture() {
    return ociArchitecture;
  }

  /** The OCI platform {@code variant} field, present only for the 32-bit arm archs. */
  public Optional<String> ociVariant() {
    return ociVariant;
  }

  /** Parses either spelling ({@code amd64} or {@code x86_64}, {@code arm/v6} or {@code armhf}, ...). */
  public static Optional<Arch> parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Arch a : values()) {
      if (a.ociName.equals(n) || a.apkName.equals(n)) {
        return Optional.of(a);
      }
    }
    if (n.equals("arm64/v8") || n.equals("aarch64/v8")) {
      return Optional.of(ARM64);
    }
    if (n.equals("i386")) {
      return Optional.of(X86);
    }
    return Optional.empty();
  }

  /**
   * Parses a list of names ({@code all} = every arch), de-duplicated and sorted by OCI name as apko does.
   *
   * @throws IllegalArgumentException naming the first unknown arch
   */
  public static List<Arch> parseAll(Collection<String> names) {
    if (names.size() == 1 && names.iterator().next().trim().equalsIgnoreCase("all")) {
      return sorted(List.of(values()));
    }
    List<Arch> out = new ArrayList<>();
    for (String n : names) {
      out.add(
          parse(n)
              .orElseThrow(
                  () -> new IllegalArgumentException("unknown architecture \"" + n + "\" (known: " + known() + ")")));
    }
    return sorted(out);
  }

  /** The arch of the machine this JVM runs on, if it is one we know. */
  public static Optional<Arch> host() {
    return parse(System.getProperty("os.arch", ""));
  }

  /** De-duplicates and sorts by OCI name (byte-wise), apko's order. */
  public static List<Arch> sorted(Collection<Arch> archs) {
    TreeSet<Arch> set = new TreeSet<>((a, b) -> a.ociName.compareTo(b.ociName));
    set.addAll(archs);
    return List.copyOf(set);
  }

  /** Every known name, OCI spelling first, for error messages. */
  public static String known() {
    StringBuilder sb = new StringBuilder();
    for (Arch a : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(a.ociName);
      if (!a.apkName.equals(a.ociName)) {
        sb.append(" (").append(a.apkName).append(')');
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return ociName;
  }
}
