package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.nio.serialization.compact.CompactSerializer;
import dev.apkofarm.cluster.hazelcast.CompactSerializers;
import java.util.List;

/**
 * The Compact serializers of the scheduler's state (job headers, images, tasks, results, events) and of its entry
 * processor. Registered on every member whose class path has the coordinator (the farm's launchers all do), found by
 * {@code Members} through {@code META-INF/services}. Java serialisation of these records cost the coordinator most
 * of its time per task; Compact writes plain fields with the schema sent once per cluster.
 */
public final class StateSerializers implements CompactSerializers {
  @Override
  public List<CompactSerializer<?>> serializers() {
    return List.of(
        new ValueSerializers.BlobRefSerializer(),
        new ValueSerializers.BuildSettingsSerializer(),
        new ValueSerializers.ImageSourceSerializer(),
        new ValueSerializers.BuildResultSerializer(),
        new ValueSerializers.LayerRefSerializer(),
        new RecordSerializers.ImageRecordSerializer(),
        new RecordSerializers.JobHeaderSerializer(),
        new RecordSerializers.TaskRecordSerializer(),
        new RecordSerializers.CompareVersionAndSetSerializer(),
        new EventSerializer());
  }
}
