package dev.apkofarm.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code layering}: how the image filesystem is split into OCI layers. apko knows one strategy, {@code origin}
 * (group packages by origin into at most {@code budget} layers). An empty {@code layering: {}} means a single layer,
 * exactly as if the key were absent.
 *
 * @param strategy {@code strategy}; only {@value #ORIGIN} is valid when present
 * @param budget {@code budget}: the maximum number of package layers (0 when unset)
 */
public record Layering(Optional<String> strategy, int budget) {
  public static final String ORIGIN = "origin";

  public Layering {
    Objects.requireNonNull(strategy, "strategy");
    if (budget < 0) {
      throw new IllegalArgumentException("layering budget must not be negative: " + budget);
    }
    strategy.ifPresent(
        s -> {
          if (!s.equals(ORIGIN)) {
            throw new IllegalArgumentException("unrecognized layering strategy \"" + s + "\" (known: origin)");
          }
        });
    if (budget != 0 && strategy.isEmpty()) {
      throw new IllegalArgumentException("layering budget " + budget + " needs a strategy (origin)");
    }
  }

  /** Whether this asks for more than apko's default single layer (a strategy or a budget is set). */
  public boolean multiLayer() {
    return strategy.isPresent() || budget != 0;
  }
}
