package dev.apkofarm.core.build;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.apk.PackageInfo;
import dev.apkofarm.core.apk.archive.TarHeader;
import dev.apkofarm.core.fs.ContentRef;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.fs.Symlink;
import dev.apkofarm.core.install.ApkDatabase;
import dev.apkofarm.core.install.InstalledPackage;
import dev.apkofarm.core.oci.BlobSink;
import dev.apkofarm.core.oci.Layer;
import dev.apkofarm.core.oci.LayerEntry;
import dev.apkofarm.core.oci.LayerStream;
import dev.apkofarm.core.oci.LayerWriter;
import dev.apkofarm.core.oci.OwnerNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * apko's {@code layering: {strategy: origin, budget: N}}: packages are grouped by origin (groups merged where one
 * package replaces another), the biggest {@code N-1} groups by installed size get a layer each and the rest share one,
 * and a top layer holds what no package installed. Each layer repeats the parent directories of its entries and a
 * partial installed database listing its own packages.
 */
final class OriginLayering {
  private OriginLayering() {}

  /** A group of packages sharing a layer. */
  private static final class Group {
    final List<PackageInfo> pkgs = new ArrayList<>();
    long size;
    String tiebreaker = "";
  }

  /** A walked entry with a header layers may re-date (shared, as apko shares its header pointers). */
  private static final class Entry {
    final String path;
    TarHeader header;
    final Optional<ContentRef> content;

    Entry(LayerEntry e) {
      this.path = e.path();
      this.header = e.header();
      this.content = e.content();
    }
  }

  private static final class Writer {
    final LayerStream stream;
    final List<Entry> stack = new ArrayList<>();

    Writer(LayerStream stream) {
      this.stream = stream;
    }

    /** apko's {@code alignStacks}: the directories of {@code main} this layer has not written yet. */
    List<Entry> align(List<Entry> main) {
      for (int i = 0; i < Math.max(stack.size(), main.size()); i++) {
        if (i >= main.size()) {
          stack.subList(i, stack.size()).clear();
          return List.of();
        }
        if (i < stack.size() && stack.get(i) == main.get(i)) {
          continue;
        }
        stack.subList(i, stack.size()).clear();
        stack.addAll(main.subList(i, main.size()));
        return new ArrayList<>(stack.subList(i, stack.size()));
      }
      return List.of();
    }
  }

  static List<Layer> write(
      ImageTree tree,
      OwnerNames names,
      List<InstalledPackage> installed,
      int budget,
      LayerWriter layers,
      BlobSink sink)
      throws IOException {
    List<PackageInfo> pkgs = new ArrayList<>();
    Map<String, byte[]> diffs = new HashMap<>();
    for (InstalledPackage p : installed) {
      pkgs.add(p.meta());
      diffs.put(p.meta().name(), p.record());
    }
    List<Group> groups = group(pkgs, budget);

    List<LayerStream> opened = new ArrayList<>();
    try {
      Map<String, Writer> byPackage = new HashMap<>();
      Map<Group, Writer> byGroup = new IdentityHashMap<>();
      for (Group g : groups) {
        LayerStream s = layers.open(sink);
        opened.add(s);
        Writer w = new Writer(s);
        byGroup.put(g, w);
        g.pkgs.forEach(p -> byPackage.put(p.name(), w));
      }
      LayerStream topStream = layers.open(sink);
      opened.add(topStream);
      Writer top = new Writer(topStream);

      List<Entry> stack = new ArrayList<>();
      tree.walk((path, node) -> {
        Entry f = new Entry(LayerEntry.of(path, node, names));
        if (f.header.typeflag() == TarHeader.DIR) {
          String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : ".";
          for (int i = stack.size() - 1; i >= 0; i--) {
            if (stack.get(i).path.equals(parent)) {
              break;
            }
            stack.subList(i, stack.size()).clear();
          }
          stack.add(f);
        }
        Writer w = owner(node).map(byPackage::get).orElse(top);
        for (Entry todo : w.align(stack)) {
          if (todo == f) {
            continue;
          }
          todo.header = todo.header.withMtime(f.header.mtime());
          w.stream.add(todo.header, (ContentRef) null);
        }
        w.stream.add(f.header, f.content.orElse(null));

        if (path.equals(ApkDatabase.INSTALLED)) {
          for (Group g : groups) {
            Writer gw = byGroup.get(g);
            for (Entry todo : gw.align(stack)) {
              todo.header = todo.header.withMtime(f.header.mtime());
              gw.stream.add(todo.header, (ContentRef) null);
            }
            ByteArrayOutputStream idb = new ByteArrayOutputStream();
            for (PackageInfo p : g.pkgs) {
              idb.writeBytes(diffs.get(p.name()));
            }
            byte[] bytes = idb.toByteArray();
            gw.stream.add(f.header.withSize(bytes.length), bytes);
          }
        }
      });

      List<Layer> out = new ArrayList<>();
      for (Group g : groups) {
        out.add(byGroup.get(g).stream.finish());
      }
      out.add(top.stream.finish());
      return out;
    } finally {
      for (LayerStream s : opened) {
        s.close();
      }
    }
  }

  private static Optional<String> owner(Node node) {
    if (node instanceof RegularFile f) {
      return f.ownerPackage();
    }
    if (node instanceof Symlink s) {
      return s.ownerPackage();
    }
    return Optional.empty();
  }

  /** apko's {@code groupByOriginAndSize}. */
  static List<Group> group(List<PackageInfo> pkgs, int budget) {
    Map<String, Group> byOrigin = new LinkedHashMap<>();
    for (PackageInfo p : pkgs) {
      byOrigin.computeIfAbsent(p.origin(), o -> new Group()).pkgs.add(p);
    }
    Map<String, Group> byPackage = new HashMap<>();
    byOrigin.values().forEach(g -> g.pkgs.forEach(p -> byPackage.put(p.name(), g)));
    for (PackageInfo p : pkgs) {
      for (String rep : p.replaces()) {
        String name = replacedName(rep);
        Group replacee = byPackage.get(name);
        if (replacee == null || replacee.pkgs.stream().noneMatch(q -> q.name().equals(name))) {
          continue;
        }
        Group g = byPackage.get(p.name());
        if (g == replacee) {
          continue;
        }
        Group merged = new Group();
        merged.pkgs.addAll(g.pkgs);
        merged.pkgs.addAll(replacee.pkgs);
        for (PackageInfo q : merged.pkgs) {
          byPackage.put(q.name(), merged);
          byOrigin.put(q.origin(), merged);
        }
      }
    }
    List<Group> groups = new ArrayList<>();
    Set<Group> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Group g : byOrigin.values()) {
      if (seen.add(g)) {
        groups.add(g);
      }
    }
    for (Group g : groups) {
      for (PackageInfo p : g.pkgs) {
        g.size += p.installedSize();
        if (CodePointOrder.INSTANCE.compare(p.name(), g.tiebreaker) > 0) {
          g.tiebreaker = p.name();
        }
      }
    }
    groups.sort(
        (a, b) -> {
          int c = Long.compare(b.size, a.size);
          return c != 0 ? c : CodePointOrder.INSTANCE.compare(a.tiebreaker, b.tiebreaker);
        });
    if (groups.size() > budget) {
      int cutoff = Math.max(budget - 1, 0);
      Group rest = new Group();
      for (Group g : groups.subList(cutoff, groups.size())) {
        rest.pkgs.addAll(g.pkgs);
        rest.size += g.size;
        if (CodePointOrder.INSTANCE.compare(g.tiebreaker, rest.tiebreaker) > 0) {
          rest.tiebreaker = g.tiebreaker;
        }
      }
      groups = new ArrayList<>(groups.subList(0, cutoff));
      groups.add(rest);
    }
    for (Group g : groups) {
      g.pkgs.sort((a, b) -> CodePointOrder.INSTANCE.compare(a.name(), b.name()));
    }
    return groups;
  }

  /**
   * The package a {@code replaces} entry names. A version constraint on it ({@code foo<2}) is not checked: apko only
   * merges when the installed version satisfies it, which for the replaces packages carry is the norm.
   */
  private static String replacedName(String rep) {
    int i = 0;
    while (i < rep.length() && "=<>~@".indexOf(rep.charAt(i)) < 0) {
      i++;
    }
    return rep.substring(0, i);
  }
}
