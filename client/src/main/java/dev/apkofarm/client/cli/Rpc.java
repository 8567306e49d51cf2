package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;

/** Turns a failed call into what the CLI reports: the user's mistakes exit 2, the farm's failures exit 1. */
final class Rpc {
  private Rpc() {}

  static Exception translate(StatusRuntimeException e, String target) {
    Status s = e.getStatus();
    String what = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
    return switch (s.getCode()) {
      case INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED -> new BadInputException(what);
      case UNAVAILABLE -> new IOException("farm " + (target == null ? "" : target + " ") + "unavailable: " + what, e);
      case RESOURCE_EXHAUSTED -> new IOException("the farm is busy: " + what, e);
      default -> new IOException(s.getCode() + ": " + what, e);
    };
  }
}
