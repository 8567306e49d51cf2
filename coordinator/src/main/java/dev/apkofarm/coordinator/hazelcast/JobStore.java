package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.apkofarm.cluster.hazelcast.Members;
import dev.apkofarm.coordinator.model.ImageRecord;
import dev.apkofarm.coordinator.model.JobRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jobs in two maps: a small header per job ({@code jobs}) and one entry per image ({@code images},
 * {@code <job>/<image>}). The scheduler stores the whole job on every change of any image; a job of a thousand
 * images written whole each time cost the coordinator time that grew with the job, so only the header and the
 * images that changed since this store last wrote the job are sent.
 */
final class JobStore {
  private final IMap<String, JobHeader> jobs;
  private final IMap<String, ImageRecord> images;
  /** job id -> the images as this store last wrote them (records are immutable: identity means unchanged). */
  private final Map<String, List<ImageRecord>> written = new ConcurrentHashMap<>();

  JobStore(HazelcastInstance member) {
    this.jobs = member.getMap(Members.STATE_PREFIX + "jobs");
    this.images = member.getMap(Members.STATE_PREFIX + "images");
  }

  void put(JobRecord job) {
    List<ImageRecord> before = written.get(job.id());
    Map<String, ImageRecord> changed = new HashMap<>();
    for (int i = 0; i < job.images().size(); i++) {
      ImageRecord image = job.images().get(i);
      if (before == null || before.size() != job.images().size() || before.get(i) != image) {
        changed.put(imageKey(job.id(), image.name()), image);
      }
    }
    if (changed.size() == 1) {
      Map.Entry<String, ImageRecord> only = changed.entrySet().iterator().next();
      images.set(only.getKey(), only.getValue());
    } else if (!changed.isEmpty()) {
      images.setAll(changed);
    }
    // The header last: a reader that finds it finds every image it names.
    jobs.set(job.id(), JobHeader.of(job));
    written.put(job.id(), job.images());
  }

  Optional<JobRecord> get(String jobId) {
    JobHeader header = jobs.get(jobId);
    return header == null ? Optional.empty() : Optional.of(assemble(header, images.getAll(imageKeys(header))));
  }

  Collection<JobRecord> all() {
    Collection<JobHeader> headers = jobs.values();
    Set<String> keys = new HashSet<>();
    headers.forEach(h -> keys.addAll(imageKeys(h)));
    Map<String, ImageRecord> found = keys.isEmpty() ? Map.of() : images.getAll(keys);
    List<JobRecord> out = new ArrayList<>(headers.size());
    for (JobHeader h : headers) {
      out.add(assemble(h, found));
    }
    return out;
  }

  void remove(JobRecord job) {
    Set<String> keys = new HashSet<>();
    for (ImageRecord i : job.images()) {
      keys.add(imageKey(job.id(), i.name()));
    }
    jobs.delete(job.id());
    if (!keys.isEmpty()) {
      images.executeOnKeys(keys, new RemoveEntry<>());
    }
    written.remove(job.id());
  }

  private static JobRecord assemble(JobHeader h, Map<String, ImageRecord> found) {
    List<ImageRecord> list = new ArrayList<>(h.images().size());
    for (String name : h.images()) {
      ImageRecord i = found.get(imageKey(h.job().id(), name));
      if (i == null) {
        throw new IllegalStateException("job " + h.job().id() + " names image " + name
            + ", which the cluster state does not hold");
      }
      list.add(i);
    }
    JobRecord j = h.job();
    return new JobRecord(j.id(), j.status(), list, j.archOverride(), j.settings(), j.submittedAtMillis(),
        j.finishedAtMillis(), j.label(), j.lastSeq(), j.failure());
  }

  private static Set<String> imageKeys(JobHeader h) {
    Set<String> keys = new HashSet<>();
    for (String name : h.images()) {
      keys.add(imageKey(h.job().id(), name));
    }
    return keys;
  }

  private static String imageKey(String jobId, String image) {
    return jobId + "/" + image;
  }

  /**
   * A job as the {@code jobs} map holds it: the record without its images, and their names in order.
   *
   * @param job the job with an empty image list
   * @param images the names of its images, in submission order
   */
  record JobHeader(JobRecord job, List<String> images) {
    JobHeader {
      images = List.copyOf(images);
    }

    static JobHeader of(JobRecord job) {
      JobRecord bare = new JobRecord(job.id(), job.status(), List.of(), job.archOverride(), job.settings(),
          job.submittedAtMillis(), job.finishedAtMillis(), job.label(), job.lastSeq(), job.failure());
      return new JobHeader(bare, job.images().stream().map(ImageRecord::name).toList());
    }
  }
}
