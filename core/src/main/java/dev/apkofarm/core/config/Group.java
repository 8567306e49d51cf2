package dev.apkofarm.core.config;

import java.util.List;
import java.util.Objects;

/**
 * One {@code accounts.groups} entry.
 *
 * @param groupname {@code groupname}, required
 * @param gid {@code gid}: 0 .. 2^32-1
 * @param members {@code members}: user names, in the order written
 */
public record Group(String groupname, long gid, List<String> members) {
  public Group {
    Objects.requireNonNull(groupname, "groupname");
    if (groupname.isEmpty()) {
      throw new IllegalArgumentException("group has no groupname");
    }
    Ids.requireUint32(gid, "gid");
    members = List.copyOf(members);
  }
}
