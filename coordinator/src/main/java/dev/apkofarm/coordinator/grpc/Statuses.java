package dev.apkofarm.coordinator.grpc;

import dev.apkofarm.coordinator.scheduler.FarmBusyException;
import dev.apkofarm.coordinator.scheduler.UnknownJobException;
import dev.apkofarm.core.BadInputException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps the domain's exceptions to gRPC statuses; the message (which names the culprit) travels as description. */
final class Statuses {
  private Statuses() {}

  static StatusRuntimeException of(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof StatusRuntimeException s) {
      return s;
    }
    Status status;
    if (t instanceof BadInputException || t instanceof IllegalArgumentException) {
      status = Status.INVALID_ARGUMENT;
    } else if (t instanceof UnknownJobException) {
      status = Status.NOT_FOUND;
    } else if (t instanceof FarmBusyException) {
      status = Status.RESOURCE_EXHAUSTED;
    } else {
      status = Status.INTERNAL;
    }
    String m = t.getMessage();
    return status.withDescription(m == null ? t.getClass().getSimpleName() : m).withCause(t).asRuntimeException();
  }
}
