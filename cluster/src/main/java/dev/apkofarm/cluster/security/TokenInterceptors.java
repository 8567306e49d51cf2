package dev.apkofarm.cluster.security;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;

/** Attaching and checking the bearer token on gRPC calls. */
final class TokenInterceptors {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private TokenInterceptors() {}

  /** Refuses calls without the token, except to {@code openServices} (health checks by probes). */
  static ServerInterceptor server(BearerToken token, Set<String> openServices) {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (!openServices.contains(service) && !token.matchesHeader(headers.get(AUTHORIZATION))) {
          call.close(Status.UNAUTHENTICATED.withDescription("missing or wrong bearer token"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
      }
    };
  }

  static ClientInterceptor client(BearerToken token) {
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            headers.put(AUTHORIZATION, token.headerValue());
            super.start(listener, headers);
          }
        };
      }
    };
  }
}
