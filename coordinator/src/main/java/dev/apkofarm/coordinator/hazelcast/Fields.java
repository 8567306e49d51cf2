package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** How the state serializers write what Compact has no field kind for: string maps and string lists. */
final class Fields {
  private Fields() {}

  /** A map as two parallel string arrays, {@code <name>.keys} and {@code <name>.values}, in key order. */
  static void writeMap(CompactWriter w, String name, Map<String, String> unordered) {
    Map<String, String> map = unordered instanceof SortedMap<String, String> ? unordered : new TreeMap<>(unordered);
    String[] keys = new String[map.size()];
    String[] values = new String[map.size()];
    int i = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      keys[i] = e.getKey();
      values[i++] = e.getValue();
    }
    w.writeArrayOfString(name + ".keys", keys);
    w.writeArrayOfString(name + ".values", values);
  }

  static SortedMap<String, String> readMap(CompactReader r, String name) {
    String[] keys = r.readArrayOfString(name + ".keys");
    String[] values = r.readArrayOfString(name + ".values");
    TreeMap<String, String> out = new TreeMap<>();
    if (keys == null || values == null) {
      return out;
    }
    if (keys.length != values.length) {
      throw new IllegalStateException("map field " + name + " has " + keys.length + " keys but " + values.length
          + " values");
    }
    for (int i = 0; i < keys.length; i++) {
      out.put(keys[i], values[i]);
    }
    return out;
  }

  static void writeList(CompactWriter w, String name, List<String> list) {
    w.writeArrayOfString(name, list.toArray(new String[0]));
  }

  static List<String> readList(CompactReader r, String name) {
    String[] a = r.readArrayOfString(name);
    return a == null ? List.of() : List.of(a);
  }
}
