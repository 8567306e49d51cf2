package dev.apkofarm.core.build;

import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.install.ControlEntry;
import dev.apkofarm.core.install.DataEntry;
import dev.apkofarm.core.install.PackageArchive;
import dev.apkofarm.core.testing.TarTrees;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The two packages of apko's golden image, reconstructed from the golden layers themselves (their installed
 * database and file contents) so the pipeline can be checked end to end without the package reader. The one file
 * the golden image does not hold (pretend-baselayout's {@code /etc/os-release}, replaced by replayout) is added with
 * its package checksum.
 */
final class GoldenPackages implements PackageSource {
  static final Map<Arch, String> LAYERS =
      Map.of(
          Arch.AMD64, "c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738",
          Arch.ARM64, "7e0f9d62f6cab4785e18a55f17d03f20ffb776881f1f46258efd9458f7cdaf08");

  private final Map<String, PackageArchive> byKey = new LinkedHashMap<>();
  private final Map<Arch, List<LockedPackage>> locked = new LinkedHashMap<>();

  GoldenPackages() throws Exception {
    for (Map.Entry<Arch, String> e : LAYERS.entrySet()) {
      ImageTree golden = TarTrees.read(TarTrees.goldenBlob(e.getValue()));
      String db = new String(golden.readFile("usr/lib/apk/db/installed"), StandardCharsets.UTF_8);
      List<LockedPackage> pkgs = new ArrayList<>();
      for (String record : db.split("\n\n")) {
        if (record.isBlank()) {
          continue;
        }
        PackageArchive a = archive(record, golden);
        PackageInfo m = a.meta();
        LockedPackage lp =
            new LockedPackage(
                m.name(), m.version(), m.arch(), "./testdata/packages",
                "./testdata/packages/" + m.arch() + "/" + m.name() + "-" + m.version() + ".apk", m.checksum().orElseThrow(),
                m.size());
        byKey.put(lp.url(), a);
        pkgs.add(lp);
      }
      locked.put(e.getKey(), pkgs);
    }
  }

  Map<Arch, List<LockedPackage>> locked() {
    return locked;
  }

  @Override
  public PackageArchive open(LockedPackage pkg) {
    return byKey.get(pkg.url());
  }

  private static PackageArchive archive(String record, ImageTree golden) throws Exception {
    Map<Character, String> f = new LinkedHashMap<>();
    List<DataEntry> data = new ArrayList<>();
    String dir = "";
    DataEntry pending = null;
    for (String line : record.split("\n")) {
      char k = line.charAt(0);
      String v = line.substring(2);
      switch (k) {
        case 'F' -> {
          if (pending != null) {
            data.add(pending);
            pending = null;
          }
          dir = v;
          data.add(entry(v, DataEntry.Kind.DIRECTORY, 0755, 0, 0, null, null));
          if (f.get('P').equals("pretend-baselayout") && v.equals("etc")) {
            data.add(
                entry("etc/os-release", DataEntry.Kind.FILE, 0644, 501, 20,
                    HexFormat.of().parseHex("2a1171b49b2e3d59abad728c7b0480736ff792eb"),
                    ContentRef.inline("ID=pretend\n".getBytes(StandardCharsets.UTF_8))));
          }
        }
        case 'R' -> {
          if (pending != null) {
            data.add(pending);
          }
          String path = dir + "/" + v;
          pending = entry(path, DataEntry.Kind.FILE, 0644, 0, 0, null, golden.getFile(path).content());
        }
        case 'a' -> {
          String[] p = v.split(":");
          pending = withOwner(pending, Long.parseLong(p[0]), Long.parseLong(p[1]), Integer.parseInt(p[2], 8));
        }
        case 'Z' -> pending = withChecksum(pending, Base64.getDecoder().decode(v.substring(2)));
        default -> f.put(k, v);
      }
    }
    if (pending != null) {
      data.add(pending);
    }
    PackageInfo meta =
        PackageInfo.builder(f.get('P'), f.get('V')).arch(f.get('A')).license(f.get('L')).description(f.get('T'))
            .origin(f.get('o')).maintainer(f.get('m')).url(f.get('U')).depends(words(f.get('D')))
            .provides(words(f.get('p'))).replaces(words(f.getOrDefault('r', ""))).commit(f.get('c'))
            .buildTime(Long.parseLong(f.get('t'))).size(Long.parseLong(f.get('S')))
            .installedSize(Long.parseLong(f.get('I'))).providerPriority(Long.parseLong(f.get('k')))
            .checksum(f.get('C')).build();
    return new PackageArchive() {
      @Override
      public PackageInfo meta() {
        return meta;
      }

      @Override
      public List<ControlEntry> controlEntries() {
        return List.of();
      }

      @Override
      public List<DataEntry> dataEntries() {
        return data;
      }
    };
  }

  private static List<String> words(String s) {
    return s == null || s.isEmpty() ? List.of() : Arrays.asList(s.split(" "));
  }

  private static DataEntry entry(
      String name, DataEntry.Kind kind, int mode, long uid, long gid, byte[] sum, ContentRef content) {
    return new DataEntry(
        name, kind, mode, uid, gid, 0, "", new TreeMap<>(), Optional.ofNullable(sum), Optional.ofNullable(content));
  }

  private static DataEntry withOwner(DataEntry e, long uid, long gid, int mode) {
    return new DataEntry(
        e.name(), e.kind(), mode, uid, gid, e.mtime(), e.linkname(), e.xattrs(), e.checksum(), e.content());
  }

  private static DataEntry withChecksum(DataEntry e, byte[] sum) {
    return new DataEntry(
        e.name(), e.kind(), e.mode(), e.uid(), e.gid(), e.mtime(), e.linkname(), e.xattrs(), Optional.of(sum),
        e.content());
  }
}
