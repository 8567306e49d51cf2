package dev.apkofarm.core.testing;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Objects;

/**
 * Checks a record whose {@code equals} and {@code hashCode} are written out (to spare a short run the record's own
 * bootstrap through method handles; docs/engineering.md, "Start-up") against what the record's own would do: equal
 * exactly when every component is equal, and the record's hash formula ({@code h = 31 * h + hash(component)} from 0),
 * so hash order stays what it was. A component added later without a value here fails the check, which is the
 * reminder to add it to {@code equals} and {@code hashCode} too.
 */
public final class RecordContract {
  /** In {@code other}: the component admits only one value (a digest's algorithm), so it is not varied. */
  public static final Object ONLY = new Object();

  private RecordContract() {}

  /**
   * @param type the record class (may be private: it is reached by reflection)
   * @param sample a value for every component, in declaration order
   * @param other for every component, a different value (the check varies one component at a time), or {@link #ONLY}
   */
  public static void check(Class<? extends Record> type, Object[] sample, Object[] other) {
    RecordComponent[] components = type.getRecordComponents();
    if (sample.length != components.length || other.length != components.length) {
      throw new AssertionError(type.getSimpleName() + " has " + components.length + " components ("
          + Arrays.toString(Arrays.stream(components).map(RecordComponent::getName).toArray())
          + "), the check was given " + sample.length + " and " + other.length + " values");
    }
    Object a = construct(type, sample);
    Object b = construct(type, sample);
    expect(a.equals(b) && b.equals(a), type, "equal components, not equal");
    expect(a.hashCode() == b.hashCode() && a.hashCode() == recordHash(sample), type,
        "hashCode " + a.hashCode() + " is not the record formula's " + recordHash(sample));
    expect(!a.equals(null) && !a.equals(new Object()), type, "equal to null or to another type");
    for (int i = 0; i < components.length; i++) {
      if (other[i] == ONLY) {
        continue;
      }
      Object[] changed = sample.clone();
      changed[i] = other[i];
      Object c = construct(type, changed);
      expect(!a.equals(c) && !c.equals(a), type, "equal although " + components[i].getName() + " differs");
      expect(c.hashCode() == recordHash(changed), type, "hashCode is not the record formula's with "
          + components[i].getName() + " changed");
    }
  }

  private static int recordHash(Object[] values) {
    int h = 0;
    for (Object v : values) {
      h = 31 * h + Objects.hashCode(v); // a primitive component hashes as its wrapper does
    }
    return h;
  }

  private static Object construct(Class<? extends Record> type, Object[] values) {
    Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class[]::new);
    try {
      Constructor<? extends Record> c = type.getDeclaredConstructor(types);
      c.setAccessible(true);
      return c.newInstance(values);
    } catch (InvocationTargetException e) {
      throw new AssertionError(type.getSimpleName() + " refused the check's values", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static void expect(boolean holds, Class<?> type, String what) {
    if (!holds) {
      throw new AssertionError(type.getSimpleName() + ": " + what);
    }
  }
}
