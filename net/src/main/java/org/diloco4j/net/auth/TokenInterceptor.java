package org.diloco4j.net.auth;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.net.SocketAddress;
import java.util.function.BiConsumer;

/** Refuses every call that does not carry the run's token ({@code authorization: Bearer <token>}). */
public final class TokenInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final String BEARER = "Bearer ";

    private final Token token;
    private final BiConsumer<String, String> refused;

    /** @param refused told (peer address, reason) of every refused call, for the log */
    public TokenInterceptor(Token token, BiConsumer<String, String> refused) {
        this.token = token;
        this.refused = refused;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String auth = headers.get(AUTHORIZATION);
        String reason = null;
        if (auth == null) reason = "no token";
        else if (!auth.startsWith(BEARER)) reason = "authorization header is not 'Bearer <token>'";
        else if (!token.matches(auth.substring(BEARER.length()))) reason = "wrong token";
        if (reason == null) return next.startCall(call, headers);
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        refused.accept(peer == null ? "?" : peer.toString(), reason + " on " + call.getMethodDescriptor().getFullMethodName());
        call.close(Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
        return new ServerCall.Listener<>() { };
    }
}
