package dev.apkofarm.core.registry;

import dev.apkofarm.core.oci.Digest;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reference to an image in a registry, {@code registry/repository[:tag][@digest]}, parsed the way docker does:
 * the first path component is the registry when it contains a dot or a colon or is {@code localhost}; otherwise the
 * registry is {@code docker.io} (with {@code library/} for one-component names). {@link #toString()} is the
 * canonical form.
 *
 * @param registry host with optional port, e.g. {@code 127.0.0.1:5000}
 * @param repository e.g. {@code team/app}
 * @param tag the tag, if any
 * @param digest the digest, if any
 */
public record ImageRef(String registry, String repository, Optional<String> tag, Optional<Digest> digest) {
  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](?::[0-9]{1,5})?");

  /** Docker Hub's name in references and credential stores. */
  public static final String DOCKER_HUB = "docker.io";

  public ImageRef {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(digest, "digest");
    if (!REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException("invalid registry host \"" + registry + "\"");
    }
    if (repository.length() > 255 || !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException(
          "invalid repository name \"" + repository + "\" (lowercase letters, digits and . _ - separators)");
    }
    tag.ifPresent(
        t -> {
          if (!TAG.matcher(t).matches()) {
            throw new IllegalArgumentException("invalid tag \"" + t + "\"");
          }
        });
  }

  /**
   * Parses {@code [registry/]repository[:tag][@sha256:hex]}.
   *
   * @throws IllegalArgumentException naming the reference and what is wrong with it
   */
  public static ImageRef parse(String reference) {
    String rest = reference.trim();
    try {
      Optional<Digest> digest = Optional.empty();
      int at = rest.indexOf('@');
      if (at >= 0) {
        digest = Optional.of(Digest.parse(rest.substring(at + 1)));
        rest = rest.substring(0, at);
      }
      Optional<String> tag = Optional.empty();
      int colon = rest.lastIndexOf(':');
      if (colon > rest.lastIndexOf('/')) {
        tag = Optional.of(rest.substring(colon + 1));
        rest = rest.substring(0, colon);
      }
      String registry = DOCKER_HUB;
      int slash = rest.indexOf('/');
      if (slash > 0) {
        String first = rest.substring(0, slash);
        if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
          registry = first;
          rest = rest.substring(slash + 1);
        }
      }
      if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
        rest = "library/" + rest;
      }
      return new ImageRef(registry, rest, tag, digest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid image reference \"" + reference + "\": " + e.getMessage(), e);
    }
  }

  /** A reference to {@code repository} in {@code registry}, without tag or digest. */
  public static ImageRef of(String registry, String repository) {
    return new ImageRef(registry, repository, Optional.empty(), Optional.empty());
  }

  /** The same repository with this tag and no digest. */
  public ImageRef withTag(String t) {
    return new ImageRef(registry, repository, Optional.of(t), Optional.empty());
  }

  /** The same repository pinned to {@code d}, without a tag. */
  public ImageRef withDigest(Digest d) {
    return new ImageRef(registry, repository, Optional.empty(), Optional.of(d));
  }

  /** The repository alone ({@code registry/repository}). */
  public ImageRef repositoryOnly() {
    return new ImageRef(registry, repository, Optional.empty(), Optional.empty());
  }

  /** The tag, else the digest, as the manifest API's {@code <reference>}; empty for a bare repository. */
  public Optional<String> manifestReference() {
    return tag.isPresent() ? tag : digest.map(Digest::toString);
  }

  /** The host the distribution API is served from ({@code registry-1.docker.io} for Docker Hub). */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
  }

  @Override
  public String toString() {
    return registry + "/" + repository + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
  }
}
