package dev.apkofarm.coordinator.grpc;

/**
 * A key a client or worker sends to name an upload (a follow key, a resume key): a name in a map, or hashed into a
 * file name, never a path itself, but still bounded and printable, since it comes from the network and appears in
 * messages.
 */
final class WireKey {
  static final int MAX_LENGTH = 512;

  private WireKey() {}

  /** {@code key}, or IllegalArgumentException saying what is wrong with it; {@code what} names it ("follow key"). */
  static String check(String what, String key) {
    if (key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(what + " longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(what + " with a character outside printable ASCII at " + i);
      }
    }
    return key;
  }
}
