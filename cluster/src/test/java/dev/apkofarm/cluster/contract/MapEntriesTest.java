package dev.apkofarm.cluster.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.Platform;
import dev.apkofarm.proto.v1.BuildOptions;
import dev.apkofarm.proto.v1.FileRef;
import dev.apkofarm.proto.v1.ImageSource;
import dev.apkofarm.proto.v1.StringEntry;
import dev.apkofarm.proto.v1.TaskRef;
import dev.apkofarm.proto.v1.TaskResult;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The entry lists that replaced the protos' map fields are the maps' wire format. Every expected byte string here was
 * written by the generated code of the old {@code map<>} declarations (the commit before, protobuf-java 4.33.1), the
 * maps filled in the order noted; the new code must write the same bytes and read the old ones to the same maps.
 */
class MapEntriesTest {
  private static final HexFormat HEX = HexFormat.of();

  /** {@code BuildOptions{annotations: a.key=1, b.key=two, c.key="" (put in that order), source_date_epoch}}. */
  private static final String OPTIONS_SORTED =
      "0a0a0a05612e6b65791201310a0c0a05622e6b6579120374776f0a090a05632e6b657912001080e2cfaa06";
  /** The same map filled c, a, b: a generated map wrote insertion order. */
  private static final String OPTIONS_UNSORTED =
      "0a090a05632e6b657912000a0a0a05612e6b65791201310a0c0a05622e6b6579120374776f1080e2cfaa06";
  /** {@code ImageSource{name: n, files: keys/a.pub -> sha256:aa (3), repo/x86_64/APKINDEX.tar.gz -> sha256:bb (0)}}. */
  private static final String SOURCE = "0a016e221b0a0a6b6579732f612e707562120d0a097368613235363a61611003222a0a1b7265706f2f7"
      + "838365f36342f41504b494e4445582e7461722e677a120b0a097368613235363a6262";
  /** {@code TaskResult{task: t/1, stage_nanos: fetch=5, install=1234567890123, layer=0}}. */
  private static final String RESULT = "0a050a0174100132090a056665746368100532100a07696e7374616c6c10cb89ec8ff72332090a056c"
      + "617965721000";
  /** A manifest descriptor with a platform and two annotations, as {@code Descriptors.toMessage} wrote it. */
  private static final String DESCRIPTOR = "0a2a6170706c69636174696f6e2f766e642e6f63692e696d6167652e6d616e69666573742e7"
      + "6312b6a736f6e12477368613235363a6363636363636363636363636363636363636363636363636363636363636363636363636363"
      + "6363636363636363636363636363636363636363636363636363182a22120a056c696e7578120561726d36341a02763832380a206f72"
      + "672e6f70656e636f6e7461696e6572732e696d6167652e637265617465641214323032332d31312d31345432323a31333a32305a32"
      + "060a0178120179";

  @Test
  void buildOptionsAreTheBytesTheMapWrote() throws Exception {
    Map<String, String> userOrder = new LinkedHashMap<>(); // as the client's --annotations parse fills it
    userOrder.put("c.key", "");
    userOrder.put("a.key", "1");
    userOrder.put("b.key", "two");
    BuildOptions options = BuildOptions.newBuilder().addAllAnnotations(MapEntries.toStringEntries(userOrder))
        .setSourceDateEpoch(1_700_000_000L).build();
    // Sorted whatever the order they were given in: the bytes of a sorted map's (the coordinator sorts them anyway).
    assertThat(HEX.formatHex(options.toByteArray())).isEqualTo(OPTIONS_SORTED);

    for (String old : List.of(OPTIONS_SORTED, OPTIONS_UNSORTED)) {
      BuildOptions read = BuildOptions.parseFrom(HEX.parseHex(old));
      assertThat(MapEntries.stringMap(read.getAnnotationsList(), "options.annotations"))
          .containsExactly(Map.entry("a.key", "1"), Map.entry("b.key", "two"), Map.entry("c.key", ""));
      assertThat(read.getSourceDateEpoch()).isEqualTo(1_700_000_000L);
    }
  }

  @Test
  void filesAreTheBytesTheMapWrote() throws Exception {
    Map<String, FileRef> files = new TreeMap<>();
    files.put("repo/x86_64/APKINDEX.tar.gz", FileRef.newBuilder().setDigest("sha256:bb").build());
    files.put("keys/a.pub", FileRef.newBuilder().setDigest("sha256:aa").setSize(3).build());
    ImageSource source = ImageSource.newBuilder().setName("n").addAllFiles(MapEntries.toFileEntries(files)).build();
    assertThat(HEX.formatHex(source.toByteArray())).isEqualTo(SOURCE);
    assertThat(MapEntries.fileMap(ImageSource.parseFrom(HEX.parseHex(SOURCE)).getFilesList(), "files"))
        .isEqualTo(files);
  }

  @Test
  void stageNanosAreTheBytesTheMapWrote() throws Exception {
    Map<String, Long> nanos = new LinkedHashMap<>();
    nanos.put("layer", 0L);
    nanos.put("install", 1_234_567_890_123L);
    nanos.put("fetch", 5L);
    TaskResult r = TaskResult.newBuilder().setTask(TaskRef.newBuilder().setTaskId("t").setAttempt(1))
        .addAllStageNanos(MapEntries.toInt64Entries(nanos)).build();
    assertThat(HEX.formatHex(r.toByteArray())).isEqualTo(RESULT);
    assertThat(MapEntries.int64Map(TaskResult.parseFrom(HEX.parseHex(RESULT)).getStageNanosList(), "stage_nanos"))
        .containsExactly(Map.entry("fetch", 5L), Map.entry("install", 1_234_567_890_123L), Map.entry("layer", 0L));
  }

  @Test
  void descriptorsAreTheBytesTheMapWrote() throws Exception {
    Descriptor d = new Descriptor("application/vnd.oci.image.manifest.v1+json", Digest.parse("sha256:" + "c".repeat(64)),
        42, Optional.of(new Platform("linux", "arm64", Optional.of("v8"))), Optional.empty(),
        new TreeMap<>(Map.of("x", "y", "org.opencontainers.image.created", "2023-11-14T22:13:20Z")));
    dev.apkofarm.proto.v1.Descriptor m = Descriptors.toMessage(d);
    assertThat(HEX.formatHex(m.toByteArray())).isEqualTo(DESCRIPTOR);
    assertThat(Descriptors.fromMessage(dev.apkofarm.proto.v1.Descriptor.parseFrom(HEX.parseHex(DESCRIPTOR))))
        .isEqualTo(d);
  }

  @Test
  void aKeyGivenTwiceIsRefusedNamingFieldAndKey() {
    List<StringEntry> twice = List.of(entry("a", "1"), entry("b\n", "2"), entry("b\n", "3"));
    assertThatThrownBy(() -> MapEntries.stringMap(twice, "options.annotations"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("options.annotations: key \"b\\n\" given twice");
    // Even with the same value: the sender is broken or hostile either way.
    assertThatThrownBy(() -> MapEntries.stringMap(List.of(entry("a", "1"), entry("a", "1")), "f"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a\" given twice");
  }

  @Test
  void aDescriptorWithAnAnnotationTwiceIsNotADescriptor() {
    dev.apkofarm.proto.v1.Descriptor m = dev.apkofarm.proto.v1.Descriptor.newBuilder()
        .setMediaType("application/vnd.oci.image.manifest.v1+json").setDigest("sha256:" + "c".repeat(64)).setSize(1)
        .addAnnotations(entry("x", "1")).addAnnotations(entry("x", "2")).build();
    assertThatThrownBy(() -> Descriptors.fromMessage(m)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("annotations: key \"x\" given twice");
  }

  @Test
  void anEmptyMapIsNoEntries() {
    assertThat(MapEntries.toStringEntries(Map.of())).isEmpty();
    assertThat(MapEntries.stringMap(List.of(), "f")).isEmpty();
    assertThat(BuildOptions.newBuilder().addAllAnnotations(MapEntries.toStringEntries(Map.of())).build().toByteString())
        .isEqualTo(ByteString.EMPTY);
  }

  private static StringEntry entry(String k, String v) {
    return StringEntry.newBuilder().setKey(k).setValue(v).build();
  }
}
