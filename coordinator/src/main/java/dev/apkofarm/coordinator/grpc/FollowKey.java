package dev.apkofarm.coordinator.grpc;

/**
 * The follow key of an upload as a client or worker sends it: a name in a map, never a path, but still bounded and
 * printable, since it comes from the network and appears in messages.
 */
final class FollowKey {
  static final int MAX_LENGTH = 512;

  private FollowKey() {}

  /** {@code key}, or IllegalArgumentException saying what is wrong with it. */
  static String check(String key) {
    if (key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("follow key longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException("follow key with a character outside printable ASCII at " + i);
      }
    }
    return key;
  }
}
