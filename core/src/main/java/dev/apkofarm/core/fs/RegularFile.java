package dev.apkofarm.core.fs;

import java.util.Objects;
import java.util.Optional;

/**
 * A regular file: where its bytes are ({@link ContentRef}), which package installed it, and the SHA-1 that package
 * recorded for it (used to tell identical files from conflicting ones).
 */
public final class RegularFile extends Node {
  private ContentRef content;
  private final String ownerPackage;
  private final byte[] packageChecksum;

  public RegularFile(int mode, long mtime, ContentRef content) {
    this(mode, mtime, content, null, null);
  }

  /**
   * @param ownerPackage the package that installed the file, or null for files the build creates
   * @param packageChecksum the package's SHA-1 of the content, or null
   */
  public RegularFile(int mode, long mtime, ContentRef content, String ownerPackage, byte[] packageChecksum) {
    super(mode, mtime);
    this.content = Objects.requireNonNull(content, "content");
    this.ownerPackage = ownerPackage;
    this.packageChecksum = packageChecksum == null ? null : packageChecksum.clone();
  }

  public ContentRef content() {
    return content;
  }

  /** Replaces the bytes; mode, owner, time and installing package stay (as when a file is rewritten in place). */
  public void setContent(ContentRef content) {
    this.content = Objects.requireNonNull(content, "content");
  }

  public long size() {
    return content.size();
  }

  /** The package that installed this file, if any. */
  public Optional<String> ownerPackage() {
    return Optional.ofNullable(ownerPackage);
  }

  /** The SHA-1 the installing package recorded for this file, if any. */
  public Optional<byte[]> packageChecksum() {
    return packageChecksum == null ? Optional.empty() : Optional.of(packageChecksum.clone());
  }
}
