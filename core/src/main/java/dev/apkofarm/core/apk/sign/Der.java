package dev.apkofarm.core.apk.sign;

import java.math.BigInteger;
import java.util.Arrays;

/** Just enough DER to read the PKCS#1 RSA key structures: a SEQUENCE of INTEGERs. */
final class Der {
  private Der() {}

  /** Reads DER elements from a byte range; malformed input raises {@link IllegalStateException}. */
  static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b) {
      this(b, 0, b.length);
    }

    private Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    /** Enters a SEQUENCE, returning a reader over its contents. */
    Reader sequence() {
      int len = header(0x30);
      Reader inner = new Reader(b, pos, pos + len);
      pos += len;
      return inner;
    }

    BigInteger integer() {
      int len = header(0x02);
      if (len == 0) {
        throw new IllegalStateException("malformed DER: empty INTEGER");
      }
      BigInteger v = new BigInteger(Arrays.copyOfRange(b, pos, pos + len));
      pos += len;
      return v;
    }

    private int header(int tag) {
      if (pos + 2 > end || (b[pos] & 0xff) != tag) {
        throw new IllegalStateException("malformed DER: expected tag 0x" + Integer.toHexString(tag));
      }
      pos++;
      int first = b[pos++] & 0xff;
      int len;
      if (first < 0x80) {
        len = first;
      } else {
        int count = first & 0x7f;
        if (count == 0 || count > 4 || pos + count > end) {
          throw new IllegalStateException("malformed DER length");
        }
        len = 0;
        for (int i = 0; i < count; i++) {
          len = (len << 8) | (b[pos++] & 0xff);
        }
      }
      if (len < 0 || pos + len > end) {
        throw new IllegalStateException("malformed DER: length beyond the data");
      }
      return len;
    }
  }
}
