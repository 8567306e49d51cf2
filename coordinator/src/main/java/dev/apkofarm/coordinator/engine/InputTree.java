package dev.apkofarm.coordinator.engine;

import dev.apkofarm.coordinator.blobs.BlobStore;
import dev.apkofarm.coordinator.blobs.DiskBlobStore;
import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Lays out the files a client shipped with a config (includes, keys, local repositories; uploaded to the blob store)
 * as the tree the config expects relative to its working directory, so the lock step reads them as on the client.
 * The tree is named by the digest of its listing (identical submissions share it) and appears atomically; its files
 * are hard links to the stored blobs where the filesystem allows. Paths that are absolute or climb out with {@code ..}
 * are refused. A package ({@code *.apk}) not yet in the store is left out: its client may still be uploading it.
 */
public final class InputTree {
  private InputTree() {}

  /** The directory name (under the input root) of the tree of {@code files} (shipped path -> digest). */
  public static String name(Map<String, String> files) {
    MessageDigest sha = Digest.newSha256();
    for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
      sha.update((e.getKey() + "\0" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return Digest.sha256(sha.digest()).hex();
  }

  static Path materialise(BlobStore store, Path root, String config, Map<String, String> files)
      throws BadInputException, IOException {
    TreeMap<String, String> sorted = new TreeMap<>(files);
    for (String path : sorted.keySet()) {
      check(config, path);
    }
    Path target = root.resolve(name(sorted));
    // A tree laid out before is used again, and kept young so the blob collector leaves it to this submission.
    if (Files.isDirectory(target) && (!(store instanceof DiskBlobStore disk) || disk.keepDirectory(target))) {
      return target;
    }
    Files.createDirectories(root);
    Path tmp = Files.createTempDirectory(root, ".inputs-");
    try {
      for (Map.Entry<String, String> e : sorted.entrySet()) {
        Path dst = tmp.resolve(e.getKey()).normalize();
        Files.createDirectories(dst.getParent());
        if (link(store, e.getValue(), dst)) {
          continue;
        }
        if (isPackage(e.getKey()) && !store.has(e.getValue())) {
          continue; // still on its way (see the class comment)
        }
        try (InputStream in = store.open(e.getValue()).orElseThrow(() -> new BadInputException(
            config + ": the file " + e.getKey() + " (" + e.getValue() + ") was not uploaded before Submit"))) {
          Files.copy(in, dst);
        }
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
        // another submission laid out the same tree meanwhile
      }
      return target;
    } finally {
      if (Files.exists(tmp)) {
        try (Stream<Path> s = Files.walk(tmp)) {
          for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  /**
   * Whether a shipped file is a package, whose bytes a client may upload after its submission: the lock reads a
   * repository's index, keys and includes, never a package, and names a shipped package by its digest (a worker
   * streams it from the blob store, following the upload while it arrives).
   */
  static boolean isPackage(String path) {
    return path.endsWith(".apk");
  }

  /**
   * Hard-links a stored blob into the tree: a shipped package of a GiB is not copied again (nothing writes to either
   * name). False when the store is not on this disk or the filesystem cannot link; the caller copies.
   */
  private static boolean link(BlobStore store, String digest, Path dst) {
    if (!(store instanceof DiskBlobStore disk) || !disk.has(digest)) {
      return false;
    }
    try {
      Files.createLink(dst, disk.path(digest));
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private static void check(String config, String path) throws BadInputException {
    if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
      throw new BadInputException(config + ": shipped file \"" + path + "\" must be a relative path");
    }
    for (String part : path.split("/")) {
      if (part.equals("..") || part.equals(".") || part.isEmpty()) {
        throw new BadInputException(config + ": shipped file \"" + path + "\" must not contain '.', '..' or '//'");
      }
    }
  }
}
