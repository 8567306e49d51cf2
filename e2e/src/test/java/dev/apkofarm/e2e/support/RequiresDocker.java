package dev.apkofarm.e2e.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Marks an E2E test class: it runs only where a Docker daemon answers (see {@link Docker#require()}). */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("e2e")
@ExtendWith(RequiresDocker.Check.class)
public @interface RequiresDocker {
  /** Checks the daemon once before the class's tests. */
  final class Check implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      Docker.require();
    }
  }
}
