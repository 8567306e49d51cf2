package dev.apkofarm.coordinator.hazelcast;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/** Removes the entries it runs on: many keys in one call ({@code executeOnKeys}) instead of one delete each. */
final class RemoveEntry<K, V> implements EntryProcessor<K, V, Boolean> {
  private static final long serialVersionUID = 1L;

  @Override
  public Boolean process(Map.Entry<K, V> entry) {
    boolean present = entry.getValue() != null;
    entry.setValue(null);
    return present;
  }
}
