package dev.apkofarm.e2e.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apkofarm.core.config.Arch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A minimal {@code docker save}-format tarball made by test code from a directory: one uncompressed layer, a
 * config naming the architecture. It lets the harness prove Docker, qemu and the never-pull settings without any
 * of the project's image code.
 */
public final class DockerArchive {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerArchive() {}

  /**
   * Writes {@code out} holding {@code rootfs} as the single layer of image {@code tag} for {@code arch}, with the
   * given entrypoint.
   */
  public static void write(Path out, String tag, Arch arch, Path rootfs, List<String> entrypoint)
      throws IOException {
    Path layer = Files.createTempFile(out.toAbsolutePath().getParent(), ".layer-", ".tar");
    try {
      String diffId = writeLayer(rootfs, layer);
      ObjectNode config = JSON.createObjectNode();
      config.put("architecture", arch.ociArchitecture());
      arch.ociVariant().ifPresent(v -> config.put("variant", v));
      config.put("os", "linux");
      ObjectNode runtime = config.putObject("config");
      ArrayNode ep = runtime.putArray("Entrypoint");
      entrypoint.forEach(ep::add);
      ObjectNode rootfsNode = config.putObject("rootfs");
      rootfsNode.put("type", "layers");
      rootfsNode.putArray("diff_ids").add("sha256:" + diffId);
      byte[] configBytes = JSON.writeValueAsBytes(config);
      String configName = sha256(configBytes) + ".json";
      String layerName = diffId + "/layer.tar";

      ArrayNode manifest = JSON.createArrayNode();
      ObjectNode image = manifest.addObject();
      image.put("Config", configName);
      image.putArray("RepoTags").add(tag);
      image.putArray("Layers").add(layerName);

      Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".image-", ".tar");
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(tmp))) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        addBytes(tar, configName, configBytes);
        TarArchiveEntry e = new TarArchiveEntry(layerName);
        e.setSize(Files.size(layer));
        tar.putArchiveEntry(e);
        Files.copy(layer, tar);
        tar.closeArchiveEntry();
        addBytes(tar, "manifest.json", JSON.writeValueAsBytes(manifest));
      }
      Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(layer);
    }
  }

  private static String writeLayer(Path rootfs, Path layer) throws IOException {
    MessageDigest sha = sha256();
    try (OutputStream file = Files.newOutputStream(layer);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new DigestOutputStream(file, sha))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      List<Path> paths;
      try (Stream<Path> walk = Files.walk(rootfs)) {
        paths = walk.filter(p -> !p.equals(rootfs)).sorted().toList();
      }
      for (Path p : paths) {
        String name = rootfs.relativize(p).toString();
        TarArchiveEntry e;
        boolean regular = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
        if (Files.isSymbolicLink(p)) {
          e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
          e.setLinkName(Files.readSymbolicLink(p).toString());
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          e = new TarArchiveEntry(name + "/");
        } else {
          e = new TarArchiveEntry(name);
          e.setSize(Files.size(p));
        }
        if (!Files.isSymbolicLink(p)) {
          e.setMode(mode(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) | (e.isDirectory() ? 040000 : 0100000));
        }
        e.setModTime(0);
        e.setIds(0, 0);
        tar.putArchiveEntry(e);
        if (regular) {
          Files.copy(p, tar);
        }
        tar.closeArchiveEntry();
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static int mode(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  private static void addBytes(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    e.setModTime(0);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
