package dev.apkofarm.core.install;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.fs.ContentRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Builds in-memory package archives for installer tests. */
final class TestArchive implements PackageArchive {
  private final PackageInfo meta;
  private final List<DataEntry> data = new ArrayList<>();
  private final List<ControlEntry> control = new ArrayList<>();

  private TestArchive(PackageInfo meta) {
    this.meta = meta;
  }

  static PackageInfo meta(String name, String origin, List<String> replaces, String control) {
    return PackageInfo.builder(name, "1.0.0-r0").arch("x86_64").license("MIT").description("replacement baselayout")
        .origin(origin).maintainer("unknown").replaces(replaces).commit("326e0ed687bdfeadac839dc9b25686e4442c9d04")
        .size(1000).installedSize(2000).checksum("Q1" + control).build();
  }

  static TestArchive of(PackageInfo meta) {
    return new TestArchive(meta);
  }

  static TestArchive named(String name, String origin, String... replaces) {
    return new TestArchive(meta(name, origin, List.of(replaces), "AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  }

  TestArchive dir(String name) {
    return dir(name, 0755, 0);
  }

  TestArchive dir(String name, int mode, long mtime) {
    data.add(entry(name, DataEntry.Kind.DIRECTORY, mode, 0, 0, mtime, "", null, null));
    return this;
  }

  TestArchive file(String name, String content) {
    return file(name, content, 0644, 0, 0, null);
  }

  TestArchive file(String name, String content, int mode, long uid, long gid, String sha1Hex) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    byte[] sum =
        sha1Hex != null ? HexFormat.of().parseHex(sha1Hex) : sha1(bytes);
    data.add(entry(name, DataEntry.Kind.FILE, mode, uid, gid, 0, "", sum, ContentRef.inline(bytes)));
    return this;
  }

  TestArchive symlink(String name, String target) {
    data.add(entry(name, DataEntry.Kind.SYMLINK, 0777, 0, 0, 0, target, sha1(target.getBytes(StandardCharsets.UTF_8)), null));
    return this;
  }

  TestArchive hardlink(String name, String target) {
    data.add(entry(name, DataEntry.Kind.HARDLINK, 0755, 0, 0, 0, target, null, null));
    return this;
  }

  TestArchive script(String name, String content, int mode) {
    control.add(
        new ControlEntry(name, mode, 0, 0, "", "", new TreeMap<>(), content.getBytes(StandardCharsets.UTF_8)));
    return this;
  }

  TestArchive xattr(String key, byte[] value) {
    DataEntry last = data.remove(data.size() - 1);
    TreeMap<String, byte[]> x = new TreeMap<>(last.xattrs());
    x.put(key, value);
    data.add(
        new DataEntry(
            last.name(), last.kind(), last.mode(), last.uid(), last.gid(), last.mtime(), last.linkname(), x,
            last.checksum(), last.content()));
    return this;
  }

  private static DataEntry entry(
      String name, DataEntry.Kind kind, int mode, long uid, long gid, long mtime, String link, byte[] sum,
      ContentRef content) {
    return new DataEntry(
        name, kind, mode, uid, gid, mtime, link, new TreeMap<>(),
        Optional.ofNullable(sum), Optional.ofNullable(content));
  }

  static byte[] sha1(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-1").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public PackageInfo meta() {
    return meta;
  }

  @Override
  public List<ControlEntry> controlEntries() {
    return control;
  }

  @Override
  public List<DataEntry> dataEntries() {
    return data;
  }
}
