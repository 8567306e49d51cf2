package dev.apkofarm.coordinator.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Served images outlive the process in the data dir; a pin is its lock digest; an unreadable record is dropped. */
class ServedImagesTest {
  @TempDir Path dir;

  private static BlobRef blob(String mediaType, char c, String platform) {
    return new BlobRef(mediaType, "sha256:" + String.valueOf(c).repeat(64), 10, platform, null, new TreeMap<>());
  }

  private static ServedImage image(String name) {
    Map<Arch, String> keys = new TreeMap<>((a, b) -> a.ociName().compareTo(b.ociName()));
    keys.put(Arch.AMD64, "sha256:" + "1".repeat(64));
    keys.put(Arch.ARM64, "sha256:" + "2".repeat(64));
    BuildResult amd = new BuildResult("amd64", blob("application/vnd.oci.image.manifest.v1+json", 'a', "linux/amd64"),
        blob("application/vnd.oci.image.config.v1+json", 'b', null),
        List.of(new BuildResult.LayerRef(blob("application/vnd.oci.image.layer.v1.tar+gzip", 'c', null),
            "sha256:" + "d".repeat(64), 20)), null, 0, 0, List.of(), "w");
    return ServedImage.of(name, keys, blob("application/vnd.oci.image.index.v1+json", 'e', null), List.of(amd), 7);
  }

  @Test
  void recordsSurviveAReopenAndAnswerByLockNameAndDigest() throws Exception {
    ServedImage s = image("base/curl");
    ServedImages.open(dir).record(s);

    ServedImages reopened = ServedImages.open(dir);
    ServedImage back = reopened.byLock(s.lockDigest()).orElseThrow();
    assertThat(back.name()).isEqualTo("base/curl");
    assertThat(back.keys()).isEqualTo(s.keys());
    assertThat(back.manifest(Digest.parse("sha256:" + "a".repeat(64)))).hasValueSatisfying(
        m -> assertThat(m.platform()).isEqualTo("linux/amd64"));
    assertThat(back.blob(Digest.parse("sha256:" + "c".repeat(64)))).isPresent();
    assertThat(back.blob(Digest.parse("sha256:" + "f".repeat(64)))).isEmpty();
    assertThat(reopened.of("base/curl")).containsExactly(back);
    assertThat(reopened.of("base")).isEmpty();
    assertThat(ServedImage.pinned(back.pinTag())).hasValue(s.lockDigest());
    assertThat(ServedImage.pinned("latest")).isEmpty();

    reopened.forget(back);
    assertThat(ServedImages.open(dir).byLock(s.lockDigest())).isEmpty();
  }

  @Test
  void anUnreadableRecordIsDroppedNotFatal() throws Exception {
    Files.writeString(dir.resolve("0".repeat(64) + ".json"), "{not json");
    ServedImage s = image("base");
    ServedImages.open(dir).record(s);

    ServedImages reopened = ServedImages.open(dir);

    assertThat(reopened.byLock(s.lockDigest())).isPresent();
    assertThat(dir.resolve("0".repeat(64) + ".json")).doesNotExist();
  }
}
