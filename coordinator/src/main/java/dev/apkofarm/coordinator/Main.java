package dev.apkofarm.coordinator;

/** Entry point of {@code apko-coordinator}. The farm issue fills this in. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("apko-coordinator: not yet available in this version");
    System.exit(1);
  }
}
