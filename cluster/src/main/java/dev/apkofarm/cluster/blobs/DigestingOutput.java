package dev.apkofarm.cluster.blobs;

import com.google.protobuf.ByteOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Where a downloaded chunk's bytes go: into a digest and an output stream, straight from the arrays or buffers the
 * chunk holds (protobuf hands them over with {@code UnsafeByteOperations.unsafeWriteTo}; nothing here keeps them).
 */
final class DigestingOutput extends ByteOutput {
  private final MessageDigest sha;
  private final OutputStream out;

  DigestingOutput(MessageDigest sha, OutputStream out) {
    this.sha = sha;
    this.out = out;
  }

  @Override
  public void write(byte value) throws IOException {
    sha.update(value);
    out.write(value);
  }

  @Override
  public void write(byte[] value, int offset, int length) throws IOException {
    sha.update(value, offset, length);
    out.write(value, offset, length);
  }

  @Override
  public void writeLazy(byte[] value, int offset, int length) throws IOException {
    write(value, offset, length);
  }

  @Override
  public void write(ByteBuffer value) throws IOException {
    if (value.hasArray()) {
      write(value.array(), value.arrayOffset() + value.position(), value.remaining());
      value.position(value.limit());
      return;
    }
    byte[] piece = new byte[Math.min(value.remaining(), 8192)];
    while (value.hasRemaining()) {
      int n = Math.min(piece.length, value.remaining());
      value.get(piece, 0, n);
      write(piece, 0, n);
    }
  }

  @Override
  public void writeLazy(ByteBuffer value) throws IOException {
    write(value);
  }
}
