package dev.apkofarm.core.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * How a {@link RegistryClient} reaches and authenticates to registries.
 *
 * @param credentials where credentials come from (default: the user's docker config)
 * @param caCertificates PEM files of extra CAs trusted besides the system trust store ({@code --ca-cert})
 * @param insecureRegistries hosts (host[:port]) that may be reached over plain HTTP ({@code --insecure-registry});
 *     loopback hosts always may
 * @param retry retry and backoff for 429, 5xx and broken connections
 * @param chunkSize blobs larger than this are uploaded in PATCH chunks of this many bytes; smaller ones in one PUT
 * @param maxUploadBreaks how many times one blob upload may break off (resume or restart) before it fails
 * @param parallelUploads how many blobs a {@link Publisher} uploads at once
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout how long to wait for a response's headers once a request has been sent
 * @param listener receives every {@link PushEvent}
 */
public record RegistryOptions(
    CredentialSource credentials,
    List<Path> caCertificates,
    Set<String> insecureRegistries,
    RetryPolicy retry,
    long chunkSize,
    int maxUploadBreaks,
    int parallelUploads,
    Duration connectTimeout,
    Duration requestTimeout,
    Consumer<PushEvent> listener) {
  public RegistryOptions {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(listener, "listener");
    caCertificates = List.copyOf(caCertificates);
    insecureRegistries = Set.copyOf(new TreeSet<>(insecureRegistries));
    if (chunkSize < 64 * 1024) {
      throw new IllegalArgumentException("chunkSize must be at least 64 KiB, got " + chunkSize);
    }
    if (maxUploadBreaks < 0 || parallelUploads < 1) {
      throw new IllegalArgumentException("need maxUploadBreaks >= 0 and parallelUploads >= 1");
    }
  }

  /** Defaults: docker config credentials, system trust store, 16 MiB chunks, 3 parallel uploads. */
  public static RegistryOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.credentials = credentials;
    b.caCertificates = new ArrayList<>(caCertificates);
    b.insecureRegistries = new TreeSet<>(insecureRegistries);
    b.retry = retry;
    b.chunkSize = chunkSize;
    b.maxUploadBreaks = maxUploadBreaks;
    b.parallelUploads = parallelUploads;
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.listener = listener;
    return b;
  }

  /** Builds {@link RegistryOptions}; every field has a default. */
  public static final class Builder {
    private CredentialSource credentials;
    private List<Path> caCertificates = new ArrayList<>();
    private Set<String> insecureRegistries = new TreeSet<>();
    private RetryPolicy retry = RetryPolicy.defaults();
    private long chunkSize = 16L << 20;
    private int maxUploadBreaks = 5;
    private int parallelUploads = 3;
    private Duration connectTimeout = Duration.ofSeconds(20);
    private Duration requestTimeout = Duration.ofMinutes(5);
    private Consumer<PushEvent> listener = e -> {};

    private Builder() {}

    public Builder credentials(CredentialSource c) {
      this.credentials = c;
      return this;
    }

    public Builder caCertificate(Path pemFile) {
      caCertificates.add(pemFile);
      return this;
    }

    public Builder insecureRegistry(String hostAndPort) {
      insecureRegistries.add(hostAndPort);
      return this;
    }

    public Builder retry(RetryPolicy r) {
      this.retry = r;
      return this;
    }

    public Builder chunkSize(long bytes) {
      this.chunkSize = bytes;
      return this;
    }

    public Builder maxUploadBreaks(int n) {
      this.maxUploadBreaks = n;
      return this;
    }

    public Builder parallelUploads(int n) {
      this.parallelUploads = n;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    public Builder listener(Consumer<PushEvent> l) {
      this.listener = l;
      return this;
    }

    public RegistryOptions build() {
      return new RegistryOptions(
          credentials == null ? CredentialSource.dockerConfig() : credentials,
          caCertificates,
          insecureRegistries,
          retry,
          chunkSize,
          maxUploadBreaks,
          parallelUploads,
          connectTimeout,
          requestTimeout,
          listener);
    }
  }
}
