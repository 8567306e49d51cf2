package dev.apkofarm.cluster.contract;

import dev.apkofarm.core.InputText;
import dev.apkofarm.proto.v1.FileEntry;
import dev.apkofarm.proto.v1.FileRef;
import dev.apkofarm.proto.v1.Int64Entry;
import dev.apkofarm.proto.v1.StringEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The wire's maps, which the protos declare as repeated entries ({@link StringEntry}, {@link FileEntry},
 * {@link Int64Entry}: a map's own encoding, without the descriptors a generated map field builds on first use; see
 * common.proto and docs/engineering.md, "Start-up"), to and from Java maps. Entries are written sorted by key, so a
 * message's bytes do not depend on the order a map was filled in (generated map fields wrote insertion order). A key
 * given twice is refused where the entries are read: a map field would have kept the last one without a word.
 */
public final class MapEntries {
  private MapEntries() {}

  public static List<StringEntry> toStringEntries(Map<String, String> map) {
    return entries(map, (k, v) -> StringEntry.newBuilder().setKey(k).setValue(v).build());
  }

  public static List<FileEntry> toFileEntries(Map<String, FileRef> map) {
    return entries(map, (k, v) -> FileEntry.newBuilder().setKey(k).setValue(v).build());
  }

  public static List<Int64Entry> toInt64Entries(Map<String, Long> map) {
    return entries(map, (k, v) -> Int64Entry.newBuilder().setKey(k).setValue(v).build());
  }

  private static <V, E> List<E> entries(Map<String, V> map, BiFunction<String, V, E> entry) {
    List<E> out = new ArrayList<>(map.size());
    new TreeMap<>(map).forEach((k, v) -> out.add(entry.apply(k, v)));
    return out;
  }

  /**
   * The map of {@code entries}, sorted by key.
   *
   * @param field the field's name in the message, for the error
   * @throws IllegalArgumentException when a key is given twice
   */
  public static SortedMap<String, String> stringMap(List<StringEntry> entries, String field) {
    return map(entries, StringEntry::getKey, StringEntry::getValue, field);
  }

  /** As {@link #stringMap}; an entry without a value maps to the empty {@link FileRef}. */
  public static SortedMap<String, FileRef> fileMap(List<FileEntry> entries, String field) {
    return map(entries, FileEntry::getKey, FileEntry::getValue, field);
  }

  /** As {@link #stringMap}. */
  public static SortedMap<String, Long> int64Map(List<Int64Entry> entries, String field) {
    return map(entries, Int64Entry::getKey, Int64Entry::getValue, field);
  }

  private static <E, V> SortedMap<String, V> map(List<E> entries, Function<E, String> key, Function<E, V> value,
      String field) {
    TreeMap<String, V> out = new TreeMap<>();
    for (E e : entries) {
      String k = key.apply(e);
      if (out.put(k, value.apply(e)) != null) {
        throw new IllegalArgumentException(field + ": key " + InputText.quote(k) + " given twice");
      }
    }
    return out;
  }
}
