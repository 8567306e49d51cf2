package dev.apkofarm.core.registry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scrubs every secret this client has handled (passwords, identity tokens, the basic-auth header value, bearer
 * tokens) out of text that reaches an exception message or a log line, in case a server echoes one back.
 */
final class Redactor {
  private static final int MIN_SECRET_LENGTH = 4;
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  void register(String secret) {
    if (secret != null && secret.length() >= MIN_SECRET_LENGTH) {
      secrets.add(secret);
    }
  }

  String scrub(String text) {
    if (text == null) {
      return "";
    }
    String out = text;
    for (String s : secrets) {
      if (out.contains(s)) {
        out = out.replace(s, "***");
      }
    }
    return out;
  }
}
