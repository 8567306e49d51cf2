package dev.apkofarm.cluster.cache;

import dev.apkofarm.cluster.blobs.BlobTransfer;
import dev.apkofarm.cluster.security.Transport;
import dev.apkofarm.core.oci.Digest;
import io.grpc.ManagedChannel;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads cached blobs from other members' peer blob services: one channel per peer, kept for the life of this
 * object, and every stream checked against the location it came from: never more bytes than announced, and at the
 * end exactly the announced size and sha256, else the location is reported bad and the read fails.
 */
public final class PeerReads implements AutoCloseable {
  private final Transport.Security security;
  private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /** @param security how members reach each other's peer blob services */
  public PeerReads(Transport.Security security) {
    this.security = security;
  }

  /**
   * The blob {@code at} holds, verified as it streams.
   *
   * @param bad called when the bytes turn out not to be what {@code at} announced (before the read fails)
   * @throws IOException when the peer does not have it or cannot be reached
   */
  InputStream open(BlobLocation at, Runnable bad) throws IOException {
    ManagedChannel channel = channels.computeIfAbsent(at.address(), a -> {
      try {
        return Transport.channel(a, security);
      } catch (javax.net.ssl.SSLException e) {
        throw new IllegalStateException("TLS for peer " + a + ": " + e.getMessage(), e);
      }
    });
    return new Verified(new BlobTransfer(channel).open(at.sha256().toString()), at, bad);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }

  /** Checks the bytes against their location as they pass. */
  private static final class Verified extends FilterInputStream {
    private final BlobLocation at;
    private final Runnable bad;
    private final MessageDigest sha = Digest.newSha256();
    private long count;
    private boolean checked;

    Verified(InputStream in, BlobLocation at, Runnable bad) {
      super(in);
      this.at = at;
      this.bad = bad;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        check();
        return -1;
      }
      count += n;
      if (count > at.size()) {
        fail("more than the announced " + at.size() + " bytes");
      }
      sha.update(b, off, n);
      return n;
    }

    private void check() throws IOException {
      if (checked) {
        return;
      }
      checked = true;
      if (count != at.size()) {
        fail(count + " bytes, announced " + at.size());
      }
      Digest actual = Digest.sha256(sha.digest());
      if (!actual.equals(at.sha256())) {
        fail("digest " + actual + ", announced " + at.sha256());
      }
    }

    private void fail(String what) throws IOException {
      bad.run();
      throw new IOException("peer " + at.address() + " sent " + what);
    }
  }
}
