package dev.apkofarm.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server that, once, cuts the connection (RST both ways): either after
 * a given number of client-to-server bytes (a drop in the middle of an upload's body), after a given number of
 * server-to-client bytes (a drop in the middle of a download), or inside the n-th request that starts with a marker
 * such as {@code "PATCH "} (a drop before the server saw a whole request). Later connections pass through untouched.
 */
public final class CuttingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final AtomicLong budget;
  private final AtomicBoolean armed = new AtomicBoolean(true);
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicLong forwarded = new AtomicLong();
  private final byte[] marker;
  private final AtomicInteger markersLeft;
  private final boolean cutDownstream;
  private final AtomicLong forwardedDown = new AtomicLong();

  /** Proxies to 127.0.0.1:{@code targetPort}, cutting after {@code cutAfterBytes} upstream bytes. */
  public CuttingProxy(int targetPort, long cutAfterBytes) throws IOException {
    this(targetPort, cutAfterBytes, null, 0, false);
  }

  /** Proxies to 127.0.0.1:{@code targetPort}, cutting after {@code cutAfterBytes} server-to-client bytes. */
  public static CuttingProxy downstream(int targetPort, long cutAfterBytes) throws IOException {
    return new CuttingProxy(targetPort, cutAfterBytes, null, 0, true);
  }

  /**
   * Proxies to 127.0.0.1:{@code targetPort}, cutting right after the {@code nth} occurrence of {@code marker} in
   * the client-to-server stream (only the marker itself of that request goes through).
   */
  public static CuttingProxy atMarker(int targetPort, String marker, int nth) throws IOException {
    return new CuttingProxy(targetPort, Long.MAX_VALUE, marker, nth, false);
  }

  private CuttingProxy(int targetPort, long cutAfterBytes, String marker, int nth, boolean cutDownstream)
      throws IOException {
    this.cutDownstream = cutDownstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.budget = new AtomicLong(cutAfterBytes);
    this.marker = marker == null ? null : marker.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    this.markersLeft = new AtomicInteger(nth);
    Thread acceptor = new Thread(this::acceptLoop, "cutting-proxy-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code 127.0.0.1:<port>} of the proxy. */
  public String host() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** How many connections were cut (0 or 1). */
  public int cuts() {
    return cuts.get();
  }

  /** Client-to-server bytes forwarded in total. */
  public long forwardedUpstream() {
    return forwarded.get();
  }

  /** Server-to-client bytes forwarded in total. */
  public long forwardedDownstream() {
    return forwardedDown.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        start(() -> pump(client, upstream, true), client, upstream);
        start(() -> pump(upstream, client, false), client, upstream);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private interface Pump {
    void run() throws IOException;
  }

  private static void start(Pump pump, Socket a, Socket b) {
    Thread t =
        new Thread(
            () -> {
              try {
                pump.run();
              } catch (IOException e) {
                abort(a);
                abort(b);
              }
            },
            "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void pump(Socket from, Socket to, boolean upstream) throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    byte[] buf = new byte[16 * 1024];
    int matched = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      if (upstream && marker != null && armed.get()) {
        for (int i = 0; i < n; i++) {
          matched = buf[i] == marker[matched] ? matched + 1 : (buf[i] == marker[0] ? 1 : 0);
          if (matched == marker.length) {
            matched = 0;
            if (markersLeft.decrementAndGet() == 0 && armed.compareAndSet(true, false)) {
              out.write(buf, 0, i + 1);
              out.flush();
              forwarded.addAndGet(i + 1);
              cuts.incrementAndGet();
              abort(from);
              abort(to);
              return;
            }
          }
        }
      }
      if (upstream != cutDownstream && marker == null && armed.get()) {
        long left = budget.addAndGet(-n);
        if (left < 0 && armed.compareAndSet(true, false)) {
          int pass = (int) (n + left);
          if (pass > 0) {
            out.write(buf, 0, pass);
            (upstream ? forwarded : forwardedDown).addAndGet(pass);
          }
          out.flush();
          cuts.incrementAndGet();
          abort(from);
          abort(to);
          return;
        }
      }
      out.write(buf, 0, n);
      (upstream ? forwarded : forwardedDown).addAndGet(n);
    }
    to.shutdownOutput();
  }

  /** Closes with SO_LINGER 0: the peer sees a reset, as with a real network failure. */
  private static void abort(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (SocketException ignored) {
      // already closed
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
