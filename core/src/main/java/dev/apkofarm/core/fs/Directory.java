package dev.apkofarm.core.fs;

import dev.apkofarm.core.CodePointOrder;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/** A directory: its children by name, sorted byte-wise (by code point), as the layer is written. */
public final class Directory extends Node {
  private final TreeMap<String, Node> children = new TreeMap<>(CodePointOrder.INSTANCE);

  public Directory(int mode, long mtime) {
    super(mode, mtime);
  }

  /** The children, sorted by name. */
  public NavigableMap<String, Node> children() {
    return Collections.unmodifiableNavigableMap(children);
  }

  Node child(String name) {
    return children.get(name);
  }

  void put(String name, Node node) {
    children.put(name, node);
  }

  Node remove(String name) {
    return children.remove(name);
  }
}
