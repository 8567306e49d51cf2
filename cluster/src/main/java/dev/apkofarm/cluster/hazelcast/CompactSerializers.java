package dev.apkofarm.cluster.hazelcast;

import com.hazelcast.nio.serialization.compact.CompactSerializer;
import java.util.List;

/**
 * Hazelcast Compact serializers a module contributes to every member started in a JVM that has it (found with
 * {@link java.util.ServiceLoader}): values of the farm's maps serialise without Java serialisation, and every member
 * that may own a partition (workers too) can read them and run entry processors on them.
 */
public interface CompactSerializers {
  List<CompactSerializer<?>> serializers();
}
