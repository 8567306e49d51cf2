package dev.apkofarm.core.config;

import java.util.List;
import java.util.Objects;

/**
 * One {@code accounts.groups} entry: a line of {@code /etc/group}, so names follow shadow-utils' rule.
 *
 * @param groupname {@code groupname}, required: {@code [a-z_][a-z0-9_.-]*$?}, at most 32 characters
 * @param gid {@code gid}: 0 .. 2^32-1
 * @param members {@code members}: user names (same rule), in the order written
 */
public record Group(String groupname, long gid, List<String> members) {
  public Group {
    Objects.requireNonNull(groupname, "groupname");
    if (groupname.isEmpty()) {
      throw new IllegalArgumentException("group has no groupname");
    }
    ConfigNames.require(ConfigNames.accountNameProblem(groupname), "groupname");
    Ids.requireUint32(gid, "gid");
    members = List.copyOf(members);
    for (int i = 0; i < members.size(); i++) {
      ConfigNames.require(ConfigNames.accountNameProblem(members.get(i)), "members[" + i + "]");
    }
  }
}
