package dev.apkofarm.testcontainers;

import dev.apkofarm.core.io.TemporaryDirectory;
import dev.apkofarm.core.oci.BlobSource;
import dev.apkofarm.core.oci.Descriptor;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A built one-arch image in a scratch directory, whichever engine built it: what {@link DockerLoad} writes into a
 * {@code docker load} tarball. Closing it deletes the scratch directory.
 *
 * @param indexJson the image index (the tarball is an OCI layout archive too)
 * @param manifest the arch's manifest
 * @param config its config blob (whose digest Docker shows as the image ID)
 * @param layers its layers, bottom first
 * @param blobs where those blobs are
 * @param scratch the directory holding them
 */
record ImageFiles(
    byte[] indexJson,
    Descriptor manifest,
    Descriptor config,
    List<Descriptor> layers,
    BlobSource blobs,
    TemporaryDirectory scratch)
    implements Closeable {
  ImageFiles {
    indexJson = indexJson.clone();
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    Objects.requireNonNull(blobs, "blobs");
    Objects.requireNonNull(scratch, "scratch");
  }

  @Override
  public byte[] indexJson() {
    return indexJson.clone();
  }

  @Override
  public void close() throws IOException {
    scratch.close();
  }
}
