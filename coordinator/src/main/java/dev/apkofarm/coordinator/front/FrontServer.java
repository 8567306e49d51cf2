package dev.apkofarm.coordinator.front;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedStream;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front's HTTP/1.1 server (Netty): HTTPS with the farm's certificate, or plain HTTP. A plain server closes a
 * connection that opens with a TLS handshake at once: clients that try HTTPS first (docker, for a registry on
 * loopback it treats as insecure) then fall back to HTTP without waiting out their handshake timeout. Requests of one
 * connection are answered in order, one at a time, on the request executor (an answer may wait for a build); bodies
 * stream from the blob store with the connection's backpressure, so memory stays bounded whatever the blob.
 */
final class FrontServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FrontServer.class);
  /** The first byte of a TLS record carrying a handshake. */
  private static final byte TLS_HANDSHAKE = 0x16;
  private static final int CHUNK = 64 * 1024;
  /** Requests one connection may have waiting behind the one being answered (pipelining); more close it. */
  private static final int MAX_PENDING = 16;

  private final EventLoopGroup group;
  private final Channel channel;

  private FrontServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  static FrontServer start(String host, int port, Optional<SslContext> ssl, FrontHandler handler, Executor work)
      throws IOException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (ssl.isPresent()) {
                ch.pipeline().addLast(ssl.get().newHandler(ch.alloc()));
              } else {
                ch.pipeline().addLast(new PlainOnly());
              }
              // Limits of a request line and its headers: a registry path is at most a few hundred bytes.
              ch.pipeline().addLast(new HttpServerCodec(8192, 16384, 8192));
              ch.pipeline().addLast(new ChunkedWriteHandler());
              ch.pipeline().addLast(new Requests(handler, work));
            }
          });
      Channel ch = b.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
      return new FrontServer(group, ch);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
      if (e.getCause() instanceof IOException io) {
        throw new IOException("cannot listen on " + host + ":" + port + ": " + io.getMessage(), io);
      }
      throw e;
    }
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** On a plain server: a connection that starts a TLS handshake is closed; any other goes on as HTTP. */
  private static final class PlainOnly extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf && buf.isReadable()) {
        if (buf.getByte(buf.readerIndex()) == TLS_HANDSHAKE) {
          buf.release();
          ctx.close();
          return;
        }
        ctx.pipeline().remove(this);
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** One connection's requests, answered in order; only touched on the connection's event loop. */
  private static final class Requests extends ChannelInboundHandlerAdapter {
    private final FrontHandler handler;
    private final Executor work;
    private final Deque<HttpRequest> pending = new ArrayDeque<>();
    private boolean busy;

    Requests(FrontHandler handler, Executor work) {
      this.handler = handler;
      this.work = work;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        // A body (GET and HEAD have none) is dropped, and the connection closed after the answer (see hasBody).
        if (msg instanceof HttpRequest req) {
          if (pending.size() >= MAX_PENDING) {
            ctx.close();
            return;
          }
          pending.add(req);
          next(ctx);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void next(ChannelHandlerContext ctx) {
      if (busy || pending.isEmpty()) {
        return;
      }
      busy = true;
      HttpRequest req = pending.poll();
      if (req.decoderResult().isFailure()) {
        reply(ctx, req, badRequest(), false);
        return;
      }
      QueryStringDecoder uri = new QueryStringDecoder(req.uri());
      String rawQuery = req.uri().contains("?") ? req.uri().substring(req.uri().indexOf('?') + 1) : null;
      FrontHandler.Request request = new FrontHandler.Request(req.method().name(), uri.rawPath(), rawQuery,
          name -> req.headers().get(name));
      boolean keepAlive = HttpUtil.isKeepAlive(req) && !hasBody(req);
      try {
        work.execute(() -> {
          FrontHandler.Answer answer = handler.answer(request);
          ctx.executor().execute(() -> reply(ctx, req, answer, keepAlive));
        });
      } catch (RejectedExecutionException e) { // stopping
        ctx.close();
      }
    }

    private static boolean hasBody(HttpRequest req) {
      return HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
    }

    private static FrontHandler.Answer badRequest() {
      return new FrontHandler.Answer(400, java.util.Map.of("Content-Type", "text/plain"),
          new FrontHandler.Body.Bytes("malformed request\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    private void reply(ChannelHandlerContext ctx, HttpRequest req, FrontHandler.Answer answer, boolean keepAlive) {
      HttpResponseStatus status = HttpResponseStatus.valueOf(answer.status());
      ChannelFuture done;
      InputStream stream = null;
      if (answer.body() instanceof FrontHandler.Body.Bytes b) {
        HttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(b.bytes()));
        headers(res, answer, b.bytes().length, keepAlive);
        done = ctx.writeAndFlush(res);
      } else if (answer.body() instanceof FrontHandler.Body.None n) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        headers(res, answer, n.contentLength(), keepAlive);
        ctx.write(res);
        done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      } else {
        FrontHandler.Body.Stream s = (FrontHandler.Body.Stream) answer.body();
        stream = s.in();
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        headers(res, answer, s.length(), keepAlive);
        ctx.write(res);
        done = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedStream(new Limited(s.in(), s.length()), CHUNK)));
      }
      InputStream opened = stream;
      done.addListener((ChannelFutureListener) f -> {
        busy = false;
        if (!f.isSuccess()) {
          log.debug("answer to {} {} broken off: {}", req.method(), req.uri(), String.valueOf(f.cause()));
          closeQuietly(opened);
          f.channel().close();
        } else if (!keepAlive) {
          f.channel().close();
        } else {
          next(ctx);
        }
      });
    }

    private static void headers(HttpResponse res, FrontHandler.Answer answer, long length, boolean keepAlive) {
      answer.headers().forEach((k, v) -> res.headers().set(k, v));
      HttpUtil.setContentLength(res, length);
      HttpUtil.setKeepAlive(res, keepAlive);
    }

    private static void closeQuietly(InputStream in) {
      if (in != null) {
        try {
          in.close();
        } catch (IOException ignored) {
          // the connection is gone; the stream's file handle is what matters, and close was tried
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("registry connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }

  /** The first {@code length} bytes of a stream (a range of a blob). */
  private static final class Limited extends FilterInputStream {
    private long left;

    Limited(InputStream in, long length) {
      super(in);
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(buf, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), left);
    }
  }
}
