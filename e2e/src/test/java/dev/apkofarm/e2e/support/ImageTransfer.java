package dev.apkofarm.e2e.support;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@code docker push} and {@code docker pull} through the daemon, failing with the daemon's own error message. */
public final class ImageTransfer {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private ImageTransfer() {}

  /** Pushes {@code repository:tag} (which must exist in the daemon). */
  public static void push(String repository, String tag) {
    await(
        "push " + repository + ":" + tag,
        Docker.client().pushImageCmd(repository).withTag(tag).exec(new Errors<PushResponseItem>()));
  }

  /** Pulls {@code repository:tag} for {@code platform} (e.g. {@code linux/arm64}) from its registry. */
  public static void pull(String repository, String tag, String platform) {
    await(
        "pull " + repository + ":" + tag + " (" + platform + ")",
        Docker.client()
            .pullImageCmd(repository)
            .withTag(tag)
            .withPlatform(platform)
            .exec(new Errors<PullResponseItem>()));
  }

  private static void await(String what, Errors<?> callback) {
    try {
      if (!callback.awaitCompletion(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(what + ": no end within " + TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(what + ": interrupted", e);
    }
    if (callback.error != null) {
      throw new AssertionError(what + ": " + callback.error);
    }
  }

  /** Keeps the first error the daemon reports in its progress stream. */
  private static final class Errors<T extends ResponseItem> extends ResultCallback.Adapter<T> {
    volatile String error;

    @Override
    public void onNext(T item) {
      if (item.isErrorIndicated() && error == null) {
        error = item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
      }
    }
  }
}
