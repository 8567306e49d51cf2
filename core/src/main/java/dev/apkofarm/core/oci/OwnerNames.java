package dev.apkofarm.core.oci;

import java.util.Map;

/**
 * The user and group names written into tar headers ({@code uname}/{@code gname}), looked up by id in the image's
 * own {@code /etc/passwd} and {@code /etc/group}: never the build host's.
 *
 * @param users user name by uid
 * @param groups group name by gid
 */
public record OwnerNames(Map<Long, String> users, Map<Long, String> groups) {
  public static final OwnerNames NONE = new OwnerNames(Map.of(), Map.of());

  public OwnerNames {
    users = Map.copyOf(users);
    groups = Map.copyOf(groups);
  }

  String user(long uid) {
    return users.getOrDefault(uid, "");
  }

  String group(long gid) {
    return groups.getOrDefault(gid, "");
  }
}
