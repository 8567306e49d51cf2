package dev.apkofarm.core.apk.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class TarWriterTest {
  private static byte[] tar(TarHeader... headers) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      for (TarHeader h : headers) {
        w.writeHeader(h);
        byte[] data = new byte[(int) (h.isHeaderOnly() ? 0 : h.size())];
        Arrays.fill(data, (byte) 'x');
        w.write(data, 0, data.length);
      }
    }
    return out.toByteArray();
  }

  private static String ascii(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }

  @Test
  void writesUstarHeadersAsGoDoes() throws Exception {
    byte[] t = tar(TarHeader.of(TarHeader.REG, "etc/passwd", "", 3, 0644, 0));

    assertThat(t).hasSize(512 + 512 + 1024);
    assertThat(ascii(t, 0, 11)).isEqualTo("etc/passwd\0");
    assertThat(ascii(t, 100, 8)).isEqualTo("0000644\0");
    assertThat(ascii(t, 124, 12)).isEqualTo("00000000003\0");
    assertThat(ascii(t, 136, 12)).isEqualTo("00000000000\0");
    assertThat(ascii(t, 257, 8)).isEqualTo("ustar\u000000");
    assertThat(ascii(t, 329, 16)).isEqualTo("0000000\u00000000000\0");
    assertThat(ascii(t, 154, 2)).isEqualTo("\0 ");
  }

  @Test
  void splitsLongAsciiNamesIntoPrefixInsteadOfPax() throws Exception {
    String name = "usr/share/" + "d".repeat(60) + "/" + "f".repeat(80);
    byte[] t = tar(TarHeader.of(TarHeader.REG, name, "", 0, 0644, 0));

    assertThat(t).hasSize(512 + 1024);
    assertThat(ascii(t, 0, 81)).isEqualTo("f".repeat(80) + "\0");
    assertThat(ascii(t, 345, 71)).isEqualTo("usr/share/" + "d".repeat(60) + "\0");
  }

  @Test
  void usesPaxForXattrsUnicodeAndLongLinks() throws Exception {
    TreeMap<String, byte[]> xattrs = new TreeMap<>();
    xattrs.put("SCHILY.xattr.security.capability", new byte[] {1, 0, 0, 2});
    TarHeader withXattr =
        new TarHeader(TarHeader.REG, "usr/bin/ping", "", 2, 04755, 0, 0, "root", "root", 7, 0, 0, xattrs);
    TarHeader unicode = TarHeader.of(TarHeader.REG, "usr/share/caf\u00e9", "", 0, 0644, 0);
    TarHeader longLink = TarHeader.of(TarHeader.SYMLINK, "a", "t".repeat(101), 0, 0777, 0);

    byte[] t = tar(withXattr, unicode, longLink);

    assertThat(ascii(t, 0, 26)).isEqualTo("usr/bin/PaxHeaders.0/ping\0");
    assertThat(t[156]).isEqualTo((byte) 'x');
    assertThat(ascii(t, 100, 8)).isEqualTo("0000000\0");
    String rec = ascii(t, 512, 41);
    assertThat(rec).isEqualTo("41 SCHILY.xattr.security.capability=\u0001\0\0\u0002\n");
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(t))) {
      TarArchiveEntry e = in.getNextEntry();
      assertThat(e.getName()).isEqualTo("usr/bin/ping");
      assertThat(e.getMode()).isEqualTo(04755);
      assertThat(e.getUserName()).isEqualTo("root");
      assertThat(e.getExtraPaxHeaders()).containsKey("SCHILY.xattr.security.capability");
      e = in.getNextEntry();
      assertThat(e.getName()).isEqualTo("usr/share/caf\u00e9");
      e = in.getNextEntry();
      assertThat(e.getLinkName()).isEqualTo("t".repeat(101));
      assertThat(in.getNextEntry()).isNull();
    }
  }

  @Test
  void paxRecordLengthIncludesItsOwnDigits() {
    // 4 + 91 + 3 = 98, plus two digits = 100: but "100" has three digits, so the record is 101 bytes.
    byte[] r = TarWriter.formatPaxRecord("path", new byte[91]);
    assertThat(new String(r, StandardCharsets.ISO_8859_1)).startsWith("101 path=");
    assertThat(r).hasSize(101);
  }

  @Test
  void refusesWritingMoreThanTheDeclaredSize() throws Exception {
    TarWriter w = new TarWriter(new ByteArrayOutputStream());
    w.writeHeader(TarHeader.of(TarHeader.REG, "f", "", 1, 0644, 0));

    assertThatThrownBy(() -> w.write(new byte[2], 0, 2)).hasMessageContaining("write too long");
  }

  @Test
  void refusesStartingAnEntryBeforeTheLastOneIsComplete() throws Exception {
    TarWriter w = new TarWriter(new ByteArrayOutputStream());
    w.writeHeader(TarHeader.of(TarHeader.REG, "f", "", 5, 0644, 0));

    assertThatThrownBy(() -> w.writeHeader(TarHeader.of(TarHeader.DIR, "d", "", 0, 0755, 0)))
        .hasMessageContaining("missed writing 5 bytes");
  }
}
