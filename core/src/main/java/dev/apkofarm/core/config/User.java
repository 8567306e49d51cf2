package dev.apkofarm.core.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One {@code accounts.users} entry. A user with uid 0 is refused (apko: to run as root, use {@code run-as: 0}). Each
 * field becomes part of an {@code /etc/passwd} or {@code /etc/shadow} line, so none may add a field or a line: the
 * name follows shadow-utils' rule, the home directory and shell hold no {@code :} or control characters.
 *
 * @param username {@code username}, required: {@code [a-z_][a-z0-9_.-]*$?}, at most 32 characters
 * @param uid {@code uid}: 1 .. 2^32-1
 * @param gid {@code gid}: the primary group id, absent when not written (apko then writes 0)
 * @param shell {@code shell}
 * @param homedir {@code homedir}; defaults to {@code /home/USERNAME} as apko's validation does
 */
public record User(String username, long uid, OptionalLong gid, Optional<String> shell, String homedir) {
  public User {
    Objects.requireNonNull(username, "username");
    if (username.isEmpty()) {
      throw new IllegalArgumentException("user has no username");
    }
    ConfigNames.require(ConfigNames.accountNameProblem(username), "username");
    if (uid == 0) {
      throw new IllegalArgumentException("user " + username + " has uid 0 (to run as root, use run-as: 0)");
    }
    Ids.requireUint32(uid, "uid");
    Objects.requireNonNull(gid, "gid");
    gid.ifPresent(g -> Ids.requireUint32(g, "gid"));
    Objects.requireNonNull(shell, "shell");
    shell.ifPresent(s -> ConfigNames.require(ConfigNames.accountFieldProblem(s), "shell"));
    Objects.requireNonNull(homedir, "homedir");
    ConfigNames.require(ConfigNames.accountFieldProblem(homedir), "homedir");
    if (homedir.isEmpty()) {
      homedir = defaultHomedir(username);
    }
  }

  /** A user with only the required fields; the home directory is {@code /home/USERNAME}. */
  public User(String username, long uid) {
    this(username, uid, OptionalLong.empty(), Optional.empty(), "");
  }

  /** apko's default home directory. */
  public static String defaultHomedir(String username) {
    return "/home/" + username;
  }
}
