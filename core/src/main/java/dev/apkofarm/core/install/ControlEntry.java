package dev.apkofarm.core.install;

import dev.apkofarm.core.CodePointOrder;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A file of a package's control section other than {@code .PKGINFO} (install scripts, triggers): recorded in {@code
 * scripts.tar}, never run.
 *
 * @param name e.g. {@code .post-install}
 * @param mode the tar mode field
 * @param uid owner
 * @param gid group
 * @param uname owner name
 * @param gname group name
 * @param paxRecords PAX records the entry carried
 * @param content the bytes
 */
public record ControlEntry(
    String name,
    int mode,
    long uid,
    long gid,
    String uname,
    String gname,
    SortedMap<String, byte[]> paxRecords,
    byte[] content) {
  public ControlEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uname, "uname");
    Objects.requireNonNull(gname, "gname");
    TreeMap<String, byte[]> p = new TreeMap<>(CodePointOrder.INSTANCE);
    for (Map.Entry<String, byte[]> e : paxRecords.entrySet()) {
      p.put(e.getKey(), e.getValue().clone());
    }
    paxRecords = Collections.unmodifiableSortedMap(p);
    content = content.clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }
}
