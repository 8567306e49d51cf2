package dev.apkofarm.core.apk.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates gzip members one at a time and knows exactly where each ends in the compressed input, which
 * {@link java.util.zip.GZIPInputStream} does not tell: an apk package and a signed APKINDEX are several gzip members
 * back to back, and the signature covers precise byte ranges of them. Checks each member's CRC-32 and length, and
 * refuses to produce more than a given number of bytes (a decompression bomb stops there).
 */
public final class GzipReader extends InputStream {
  private static final int BUFFER = 64 * 1024;

  private final InputStream in;
  private final boolean multiMember;
  private final long maxOutput;
  private final String limitName;
  private final String what;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final byte[] buf = new byte[BUFFER];
  private final byte[] one = new byte[1];
  private int bufPos;
  private int bufLen;
  /** Compressed bytes consumed from {@code in} by the inflater and header/trailer parsing. */
  private long compressedPosition;
  private long output;
  private long memberOutput;
  private boolean inMember;
  private boolean finished;
  private boolean inputEof;

  /**
   * @param in the compressed bytes, starting at a member header
   * @param multiMember whether to continue into following members (as gzip and Go do) or stop after the first
   * @param maxOutput the most decompressed bytes this reader may produce
   * @param what the content's name for error messages, e.g. "package foo-1.0-r0 control section"
   */
  public GzipReader(InputStream in, boolean multiMember, long maxOutput, String what) throws IOException {
    this(in, multiMember, maxOutput, "", what);
  }

  /**
   * @param limitName the command-line name of the limit {@code maxOutput} comes from, for the message (may be empty)
   */
  public GzipReader(InputStream in, boolean multiMember, long maxOutput, String limitName, String what) throws IOException {
    this.in = in;
    this.multiMember = multiMember;
    this.maxOutput = maxOutput;
    this.limitName = limitName;
    this.what = what;
    startMember(true);
  }

  /** The compressed offset just after the last fully consumed member (exact once the reader has reached EOF). */
  public long compressedPosition() {
    return compressedPosition;
  }

  /** Decompressed bytes produced so far. */
  public long outputPosition() {
    return output;
  }

  /** Reads to the end of the current member(s) and returns the compressed position just after them. */
  public long drain() throws IOException {
    byte[] skip = new byte[BUFFER];
    while (read(skip, 0, skip.length) >= 0) {
      // discard
    }
    return compressedPosition;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (finished) {
        return -1;
      }
      if (!inMember) {
        if (!multiMember || !startMember(false)) {
          finished = true;
          return -1;
        }
      }
      int n;
      try {
        n = inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new MalformedArchiveException(what + ": corrupt gzip data: " + e.getMessage(), e);
      }
      if (n > 0) {
        output += n;
        memberOutput += n;
        if (output > maxOutput) {
          throw new MalformedArchiveException(
              what + ": decompresses to more than the limit of " + maxOutput + " bytes"
                  + (limitName.isEmpty() ? "" : " (" + limitName + ")"));
        }
        crc.update(b, off, n);
        return n;
      }
      if (inflater.finished()) {
        endMember();
      } else if (inflater.needsDictionary()) {
        throw new MalformedArchiveException(what + ": corrupt gzip data (preset dictionary)");
      }
    }
  }

  private int inflate(byte[] b, int off, int len) throws DataFormatException, IOException {
    if (inflater.needsInput()) {
      if (!fill()) {
        throw new MalformedArchiveException(what + ": truncated gzip data");
      }
      inflater.setInput(buf, bufPos, bufLen - bufPos);
      int given = bufLen - bufPos;
      bufPos = bufLen;
      compressedPosition += given;
    }
    return inflater.inflate(b, off, len);
  }

  private void endMember() throws IOException {
    // Give back what the inflater did not use: it belongs to the trailer and the next member.
    int remaining = inflater.getRemaining();
    bufPos -= remaining;
    compressedPosition -= remaining;
    long expectedCrc = readIntLe();
    long expectedSize = readIntLe();
    if (expectedCrc != crc.getValue()) {
      throw new MalformedArchiveException(what + ": gzip CRC-32 mismatch (corrupt data)");
    }
    if (expectedSize != (memberOutput & 0xffffffffL)) {
      throw new MalformedArchiveException(what + ": gzip length mismatch (corrupt data)");
    }
    inMember = false;
  }

  /** Parses a member header; returns false at a clean end of input (only allowed between members). */
  private boolean startMember(boolean first) throws IOException {
    int id1 = readByteOrEof();
    if (id1 < 0) {
      if (first) {
        throw new MalformedArchiveException(what + ": empty input where gzip data was expected");
      }
      return false;
    }
    int id2 = readByte();
    if (id1 != 0x1f || id2 != 0x8b) {
      throw new MalformedArchiveException(what + ": not gzip data (bad magic) at offset " + (compressedPosition - 2));
    }
    int method = readByte();
    if (method != 8) {
      throw new MalformedArchiveException(what + ": unsupported gzip compression method " + method);
    }
    int flags = readByte();
    for (int k = 0; k < 6; k++) {
      readByte(); // mtime, xfl, os
    }
    if ((flags & 4) != 0) {
      int xlen = readByte() | (readByte() << 8);
      for (int k = 0; k < xlen; k++) {
        readByte();
      }
    }
    if ((flags & 8) != 0) {
      while (readByte() != 0) {
        // file name
      }
    }
    if ((flags & 16) != 0) {
      while (readByte() != 0) {
        // comment
      }
    }
    if ((flags & 2) != 0) {
      readByte();
      readByte();
    }
    inflater.reset();
    crc.reset();
    memberOutput = 0;
    inMember = true;
    return true;
  }

  private long readIntLe() throws IOException {
    return (long) readByte() | ((long) readByte() << 8) | ((long) readByte() << 16) | ((long) readByte() << 24);
  }

  private int readByte() throws IOException {
    int b = readByteOrEof();
    if (b < 0) {
      throw new MalformedArchiveException(what + ": truncated gzip data");
    }
    return b;
  }

  private int readByteOrEof() throws IOException {
    if (bufPos == bufLen && !fill()) {
      return -1;
    }
    compressedPosition++;
    return buf[bufPos++] & 0xff;
  }

  /** Refills the buffer when empty; false at end of input. */
  private boolean fill() throws IOException {
    if (bufPos < bufLen) {
      return true;
    }
    if (inputEof) {
      return false;
    }
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      inputEof = true;
      return false;
    }
    bufPos = 0;
    bufLen = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }
}
