package dev.apkofarm.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Bytes {@code [offset, offset + length)} of a file channel as a stream, read with positional reads so that many
 * ranges of one file can be read at once (package sections, file contents inside an expanded package). Closing it
 * leaves the channel open: the channel belongs to the caller.
 */
public final class ChannelRange extends InputStream {
  private final FileChannel channel;
  private final String what;
  private long position;
  private long remaining;

  /** @param what names the file in the error when it turns out shorter than the range */
  public ChannelRange(FileChannel channel, long offset, long length, String what) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length: " + offset + "+" + length + " of " + what);
    }
    this.channel = channel;
    this.position = offset;
    this.remaining = length;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      return -1;
    }
    int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
    if (n < 0) {
      throw new EOFException(what + " is shorter than expected: " + remaining + " bytes missing at " + position);
    }
    position += n;
    remaining -= n;
    return n;
  }
}
