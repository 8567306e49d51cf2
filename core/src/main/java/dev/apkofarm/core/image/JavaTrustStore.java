package dev.apkofarm.core.image;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.CodePointOrder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * A Java trust store in the JKS format (the {@code cacerts} a JRE reads, password {@code changeit}), read and written
 * byte-deterministically as apko does through keystore-go: entries sorted by alias, aliases lower-cased, every entry
 * keeping its creation time (new ones get the build date), version 2, and the keyed SHA-1 the JRE checks at the end.
 * Key entries already in the store are carried over untouched. The one JKS writer of the project (the farm image's
 * stand-in distribution writes its {@code cacerts} through it too).
 */
public final class JavaTrustStore {
  /** The password the JDK assumes for its default trust store. */
  public static final char[] PASSWORD = "changeit".toCharArray();
  private static final int MAGIC = 0xFEEDFEED;
  private static final int TRUSTED = 2;
  private static final int PRIVATE_KEY = 1;
  private static final int MAX_ENTRIES = 100_000;

  /** One entry, kept as its serialised bytes after the alias and time (what follows in the file). */
  private record Entry(int tag, long time, byte[] body) {}

  private final TreeMap<String, Entry> entries = new TreeMap<>(CodePointOrder.INSTANCE);

  private JavaTrustStore() {}

  /** A store with no entries. */
  public static JavaTrustStore empty() {
    return new JavaTrustStore();
  }

  /** Reads a JKS store, checking its integrity digest with {@code changeit}. */
  static JavaTrustStore read(byte[] bytes, String what) throws BadInputException {
    if (bytes.length < 4 || (bytes[0] & 0xff) != 0xfe || (bytes[1] & 0xff) != 0xed) {
      throw new BadInputException(what + " is not a JKS trust store (a PKCS#12 one cannot be updated"
          + " reproducibly); the additional certificates were not added to it");
    }
    if (bytes.length < 20 + 12
        || !Arrays.equals(digest(bytes, bytes.length - 20), Arrays.copyOfRange(bytes, bytes.length - 20, bytes.length))) {
      throw new BadInputException(what + " fails its integrity check with the password changeit");
    }
    JavaTrustStore ts = new JavaTrustStore();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 20))) {
      if (in.readInt() != MAGIC) {
        throw new BadInputException(what + " is not a JKS trust store");
      }
      int version = in.readInt();
      if (version != 1 && version != 2) {
        throw new BadInputException(what + ": JKS version " + version + " is not 1 or 2");
      }
      int count = in.readInt();
      if (count < 0 || count > MAX_ENTRIES) {
        throw new BadInputException(what + ": " + count + " entries is not a plausible trust store");
      }
      for (int i = 0; i < count; i++) {
        int tag = in.readInt();
        String alias = in.readUTF();
        long time = in.readLong();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        if (tag == PRIVATE_KEY) {
          copyBlock(in, out, what);
          int chain = in.readInt();
          if (chain < 0 || chain > 100) {
            throw new BadInputException(what + ": entry " + alias + " has an implausible chain length " + chain);
          }
          out.writeInt(chain);
          for (int c = 0; c < chain; c++) {
            copyCert(in, out, version, what);
          }
        } else if (tag == TRUSTED) {
          copyCert(in, out, version, what);
        } else {
          throw new BadInputException(what + ": entry " + alias + " has unknown type " + tag);
        }
        ts.entries.put(alias.toLowerCase(Locale.ROOT), new Entry(tag, time, body.toByteArray()));
      }
    } catch (EOFException e) {
      throw new BadInputException(what + " is truncated");
    } catch (IOException e) {
      throw new BadInputException(what + " cannot be read: " + e.getMessage());
    }
    return ts;
  }

  /** Adds (or replaces) a trusted certificate under {@code alias} (lower-cased), created at {@code timeMillis}. */
  public void addTrusted(String alias, byte[] der, long timeMillis) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(body)) {
      out.writeUTF("X.509");
      out.writeInt(der.length);
      out.write(der);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    entries.put(alias.toLowerCase(Locale.ROOT), new Entry(TRUSTED, timeMillis, body.toByteArray()));
  }

  /** The store as JKS version 2 bytes. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(2);
      out.writeInt(entries.size());
      for (var e : entries.entrySet()) {
        out.writeInt(e.getValue().tag());
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue().time());
        out.write(e.getValue().body());
      }
      out.flush();
      byte[] content = bytes.toByteArray();
      out.write(digest(content, content.length));
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** The aliases, sorted. */
  List<String> aliases() {
    return new ArrayList<>(entries.keySet());
  }

  private static void copyCert(DataInputStream in, DataOutputStream out, int version, String what)
      throws IOException, BadInputException {
    // version 1 stores have no certificate type; version 2 (what we write) names it
    out.writeUTF(version == 2 ? in.readUTF() : "X.509");
    copyBlock(in, out, what);
  }

  private static void copyBlock(DataInputStream in, DataOutputStream out, String what)
      throws IOException, BadInputException {
    int len = in.readInt();
    if (len < 0 || len > in.available()) {
      throw new BadInputException(what + " has an entry longer than the file");
    }
    byte[] b = new byte[len];
    in.readFully(b);
    out.writeInt(len);
    out.write(b);
  }

  /** JKS's keyed digest: SHA-1 over the password as UTF-16BE, "Mighty Aphrodite", then the store's bytes. */
  private static byte[] digest(byte[] content, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      for (char c : PASSWORD) {
        md.update((byte) (c >> 8));
        md.update((byte) c);
      }
      md.update("Mighty Aphrodite".getBytes(StandardCharsets.UTF_8));
      md.update(content, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-1 is required on every JVM", e);
    }
  }
}
