package dev.apkofarm.worker;

/** Entry point of {@code apko-worker}. The farm issue fills this in. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("apko-worker: not yet available in this version");
    System.exit(1);
  }
}
