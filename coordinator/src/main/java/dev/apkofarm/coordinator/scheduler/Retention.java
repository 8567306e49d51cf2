package dev.apkofarm.coordinator.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * When finished jobs leave the cluster state: each is due {@code retention} after it finished (by the scheduler's
 * clock). A build result is shared by every job whose tasks had its build key (de-duplication), so it goes only with
 * the last of those jobs. Runs on the scheduler's thread; rebuilt from the cluster state on recovery.
 */
final class Retention {
  private final long retentionMillis;
  /** Jobs by the time they are due, then id. */
  private final TreeSet<Due> due = new TreeSet<>(Comparator.comparingLong(Due::atMillis).thenComparing(Due::jobId));
  private final Set<String> tracked = new HashSet<>();
  /** job -> build keys of its tasks. */
  private final Map<String, Set<String>> keysOf = new HashMap<>();
  /** build key -> jobs (live or retained) with a task of that key. */
  private final Map<String, Set<String>> usersOf = new HashMap<>();

  Retention(Duration retention) {
    this.retentionMillis = retention.toMillis();
  }

  /** A task of {@code jobId} has {@code buildKey}: its result stays while the job does. */
  void uses(String jobId, String buildKey) {
    keysOf.computeIfAbsent(jobId, k -> new HashSet<>()).add(buildKey);
    usersOf.computeIfAbsent(buildKey, k -> new HashSet<>()).add(jobId);
  }

  /** {@code jobId} reached a terminal state at {@code finishedAtMillis}. */
  void finished(String jobId, long finishedAtMillis) {
    if (tracked.add(jobId)) {
      due.add(new Due(finishedAtMillis + retentionMillis, jobId));
    }
  }

  private record Due(long atMillis, String jobId) {}

  /** A job to remove and the build results no remaining job uses. */
  record Expired(String jobId, List<String> unusedBuildKeys) {}

  /** Removes and returns the jobs due at or before {@code nowMillis}, oldest first, at most {@code limit}. */
  List<Expired> expire(long nowMillis, int limit) {
    List<Expired> out = new ArrayList<>();
    while (out.size() < limit && !due.isEmpty() && due.first().atMillis() <= nowMillis) {
      String jobId = due.pollFirst().jobId();
      tracked.remove(jobId);
      List<String> unused = new ArrayList<>();
      for (String key : keysOf.getOrDefault(jobId, Set.of())) {
        Set<String> users = usersOf.get(key);
        users.remove(jobId);
        if (users.isEmpty()) {
          usersOf.remove(key);
          unused.add(key);
        }
      }
      keysOf.remove(jobId);
      unused.sort(null);
      out.add(new Expired(jobId, unused));
    }
    return out;
  }

  /** Finished jobs waiting for removal. */
  int retained() {
    return tracked.size();
  }
}
