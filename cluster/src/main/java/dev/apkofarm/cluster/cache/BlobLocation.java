package dev.apkofarm.cluster.cache;

import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.oci.Digest;
import java.util.Objects;
import java.util.UUID;

/**
 * One entry of the farm's location index: member {@code member} serves a cached blob at {@code address} (its peer
 * blob service) as the file of digest {@code sha256} and length {@code size}. Written by the member that holds the
 * blob; a reader trusts none of it but the address it dials, and checks the bytes against the digest.
 *
 * @param member the Hazelcast member UUID of the holder (a location of a member that left is stale)
 * @param address host:port of the holder's peer blob service
 * @param sha256 the file's digest
 * @param size the file's length
 */
public record BlobLocation(UUID member, String address, Digest sha256, long size) {
  public BlobLocation {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(sha256, "sha256");
    Transport.HostPort.parse(address);
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " of " + sha256);
    }
  }

  /**
   * Parses the wire form {@code <member> <address> <sha256> <size>}.
   *
   * @throws IllegalArgumentException naming the text when it is not one
   */
  public static BlobLocation parse(String text) {
    String[] p = text.split(" ", -1);
    if (p.length != 4) {
      throw new IllegalArgumentException("not a blob location: \"" + text + "\"");
    }
    try {
      return new BlobLocation(UUID.fromString(p[0]), p[1], Digest.parse(p[2]), Long.parseLong(p[3]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a blob location: \"" + text + "\": " + e.getMessage(), e);
    }
  }

  /** The wire form, as stored in the index. */
  @Override
  public String toString() {
    return member + " " + address + " " + sha256 + " " + size;
  }
}
