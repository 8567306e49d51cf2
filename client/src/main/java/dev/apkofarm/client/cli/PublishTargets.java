package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.registry.ImageRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code REF}s of a publish, grouped by repository in the order given: each repository gets the image once and
 * its tags last. A {@code REF} without a tag means {@code :latest}, as for docker; one pinned to a digest is refused
 * (a publish writes tags).
 *
 * @param repositories per repository ({@code registry/name}, no tag), its tags
 */
record PublishTargets(Map<ImageRef, List<String>> repositories) {
  PublishTargets {
    repositories = new LinkedHashMap<>(repositories);
    repositories.replaceAll((r, tags) -> List.copyOf(tags));
  }

  static PublishTargets parse(List<String> refs) throws BadInputException {
    Map<ImageRef, List<String>> out = new LinkedHashMap<>();
    for (String raw : refs) {
      ImageRef ref;
      try {
        ref = ImageRef.parse(raw);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("REF " + e.getMessage());
      }
      if (ref.digest().isPresent()) {
        throw new BadInputException("REF \"" + raw + "\": publish writes tags; give a tag, not a digest");
      }
      List<String> tags = out.computeIfAbsent(ref.repositoryOnly(), r -> new ArrayList<>());
      String tag = ref.tag().orElse("latest");
      if (!tags.contains(tag)) {
        tags.add(tag);
      }
    }
    return new PublishTargets(out);
  }

  /** The first {@code REF} in canonical form, {@code registry/repository:tag}: what the build is named after. */
  String firstReference() {
    ImageRef first = first();
    return first.withTag(repositories.get(first).get(0)).toString();
  }

  /** The repository of the first {@code REF}: the one whose digest reference is printed. */
  ImageRef first() {
    return repositories.keySet().iterator().next();
  }
}
