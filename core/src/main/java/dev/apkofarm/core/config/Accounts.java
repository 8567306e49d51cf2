package dev.apkofarm.core.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code accounts}: users and groups written to {@code /etc/passwd} and {@code /etc/group}, and the user the container
 * runs as.
 *
 * @param runAs {@code run-as}: a user name or a numeric uid ({@code 0} for root); a name must belong to a user of
 *     the config or of the image's {@code /etc/passwd} (checked when the image is built)
 * @param users {@code users}, in the order written
 * @param groups {@code groups}, in the order written
 */
public record Accounts(Optional<String> runAs, List<User> users, List<Group> groups) {
  /** No accounts. */
  public static final Accounts NONE = new Accounts(Optional.empty(), List.of(), List.of());

  public Accounts {
    Objects.requireNonNull(runAs, "runAs");
    runAs.ifPresent(r -> ConfigNames.require(ConfigNames.runAsProblem(r), "run-as"));
    users = List.copyOf(users);
    groups = List.copyOf(groups);
  }

  public boolean isEmpty() {
    return equals(NONE);
  }
}
