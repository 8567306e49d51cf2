package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.apkofarm.coordinator.model.BlobRef;
import dev.apkofarm.coordinator.model.BuildResult;
import dev.apkofarm.coordinator.model.BuildResult.LayerRef;
import dev.apkofarm.coordinator.model.BuildSettings;
import dev.apkofarm.coordinator.model.ImageSource;
import java.util.List;

/** Compact serializers of the small values the state records are made of. */
final class ValueSerializers {
  private ValueSerializers() {}

  static final class BlobRefSerializer implements CompactSerializer<BlobRef> {
    @Override
    public BlobRef read(CompactReader r) {
      return new BlobRef(r.readString("mediaType"), r.readString("digest"), r.readInt64("size"),
          r.readString("platform"), r.readString("artifactType"), Fields.readMap(r, "annotations"));
    }

    @Override
    public void write(CompactWriter w, BlobRef b) {
      w.writeString("mediaType", b.mediaType());
      w.writeString("digest", b.digest());
      w.writeInt64("size", b.size());
      w.writeString("platform", b.platform());
      w.writeString("artifactType", b.artifactType());
      Fields.writeMap(w, "annotations", b.annotations());
    }

    @Override
    public String getTypeName() {
      return "apkofarm.BlobRef";
    }

    @Override
    public Class<BlobRef> getCompactClass() {
      return BlobRef.class;
    }
  }

  static final class BuildSettingsSerializer implements CompactSerializer<BuildSettings> {
    @Override
    public BuildSettings read(CompactReader r) {
      return new BuildSettings(Fields.readMap(r, "annotations"), r.readNullableInt64("sourceDateEpoch"),
          r.readString("pushPrefix"), r.readString("pushTag"));
    }

    @Override
    public void write(CompactWriter w, BuildSettings s) {
      Fields.writeMap(w, "annotations", s.annotations());
      w.writeNullableInt64("sourceDateEpoch", s.sourceDateEpoch());
      w.writeString("pushPrefix", s.pushPrefix());
      w.writeString("pushTag", s.pushTag());
    }

    @Override
    public String getTypeName() {
      return "apkofarm.BuildSettings";
    }

    @Override
    public Class<BuildSettings> getCompactClass() {
      return BuildSettings.class;
    }
  }

  static final class ImageSourceSerializer implements CompactSerializer<ImageSource> {
    @Override
    public ImageSource read(CompactReader r) {
      // Absent in entries written before ad hoc images existed: nothing appended.
      List<String> appended = r.getFieldKind("packagesAppended") == FieldKind.ARRAY_OF_STRING
          ? Fields.readList(r, "packagesAppended") : List.of();
      // Absent in entries written before the front locked its configs in its own directory: a submitted config.
      boolean front = r.getFieldKind("frontConfig") == FieldKind.BOOLEAN && r.readBoolean("frontConfig");
      return new ImageSource(r.readString("name"), r.readString("fileName"), r.readArrayOfInt8("configYaml"),
          Fields.readMap(r, "files"), appended, front);
    }

    @Override
    public void write(CompactWriter w, ImageSource s) {
      w.writeString("name", s.name());
      w.writeString("fileName", s.fileName());
      w.writeArrayOfInt8("configYaml", s.configYaml());
      Fields.writeMap(w, "files", s.files());
      Fields.writeList(w, "packagesAppended", s.packagesAppended());
      w.writeBoolean("frontConfig", s.frontConfig());
    }

    @Override
    public String getTypeName() {
      return "apkofarm.ImageSource";
    }

    @Override
    public Class<ImageSource> getCompactClass() {
      return ImageSource.class;
    }
  }

  static final class BuildResultSerializer implements CompactSerializer<BuildResult> {
    @Override
    public BuildResult read(CompactReader r) {
      LayerRef[] layers = r.readArrayOfCompact("layers", LayerRef.class);
      return new BuildResult(r.readString("arch"), r.readCompact("manifest"), r.readCompact("config"),
          layers == null ? List.of() : List.of(layers), r.readCompact("sbom"), r.readInt64("createdSeconds"),
          r.readInt32("createdNanos"), Fields.readList(r, "packages"), r.readString("worker"));
    }

    @Override
    public void write(CompactWriter w, BuildResult b) {
      w.writeString("arch", b.arch());
      w.writeCompact("manifest", b.manifest());
      w.writeCompact("config", b.config());
      w.writeArrayOfCompact("layers", b.layers().toArray(new LayerRef[0]));
      w.writeCompact("sbom", b.sbom());
      w.writeInt64("createdSeconds", b.createdSeconds());
      w.writeInt32("createdNanos", b.createdNanos());
      Fields.writeList(w, "packages", b.packages());
      w.writeString("worker", b.worker());
    }

    @Override
    public String getTypeName() {
      return "apkofarm.BuildResult.v2";
    }

    @Override
    public Class<BuildResult> getCompactClass() {
      return BuildResult.class;
    }
  }

  static final class LayerRefSerializer implements CompactSerializer<LayerRef> {
    @Override
    public LayerRef read(CompactReader r) {
      return new LayerRef(r.readCompact("blob"), r.readString("diffId"), r.readInt64("uncompressedSize"));
    }

    @Override
    public void write(CompactWriter w, LayerRef l) {
      w.writeCompact("blob", l.blob());
      w.writeString("diffId", l.diffId());
      w.writeInt64("uncompressedSize", l.uncompressedSize());
    }

    @Override
    public String getTypeName() {
      return "apkofarm.LayerRef";
    }

    @Override
    public Class<LayerRef> getCompactClass() {
      return LayerRef.class;
    }
  }

  static List<BlobRef> blobs(CompactReader r, String name) {
    BlobRef[] a = r.readArrayOfCompact(name, BlobRef.class);
    return a == null ? List.of() : List.of(a);
  }
}
