package dev.apkofarm.core.apk;

import dev.apkofarm.core.apk.archive.GzipWriter;
import dev.apkofarm.core.apk.archive.TarHeader;
import dev.apkofarm.core.apk.archive.TarWriter;
import dev.apkofarm.core.apk.pkg.ApkLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * An unsigned .apk around arbitrary data-section bytes, hashed as apk does ({@code datahash} matches), so that a fuzz
 * target reaches the installer with exactly the tar bytes the fuzzer chose.
 */
public final class FuzzApk {
  private FuzzApk() {}

  /** Control section ({@code .PKGINFO} of {@code name-1.0-r0}) and {@code dataTar} gzipped as the data section. */
  public static byte[] of(String name, byte[] dataTar) throws IOException {
    ByteArrayOutputStream dataOut = new ByteArrayOutputStream();
    GzipWriter gz = new GzipWriter(dataOut);
    gz.write(dataTar, 0, dataTar.length);
    gz.close();
    byte[] data = dataOut.toByteArray();
    String pkginfo = "pkgname = " + name + "\npkgver = 1.0-r0\narch = x86_64\nsize = " + dataTar.length
        + "\ndatahash = " + HexFormat.of().formatHex(ApkLayout.newDigest("sha256").digest(data)) + "\n";
    byte[] info = pkginfo.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream controlOut = new ByteArrayOutputStream();
    GzipWriter cgz = new GzipWriter(controlOut);
    TarWriter tar = new TarWriter(cgz);
    tar.writeHeader(TarHeader.of(TarHeader.REG, ".PKGINFO", "", info.length, 0644, 0));
    tar.write(info, 0, info.length);
    tar.closeFragment();
    cgz.close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(controlOut.toByteArray());
    out.write(data);
    return out.toByteArray();
  }
}
