package org.diloco4j.net.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Refuses every call that does not carry a token the {@link Keyring} knows ({@code authorization:
 * Bearer <token>}), and hands the service the {@link Caller} of those it lets through.
 */
public final class TokenInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final String BEARER = "Bearer ";

    private final Keyring keyring;
    private final BiConsumer<String, String> refused;

    /** @param refused told (peer address, reason) of every refused call, for the log */
    public TokenInterceptor(Token token, BiConsumer<String, String> refused) {
        this(Keyring.shared(token), refused);
    }

    /** @param refused told (peer address, reason) of every refused call, for the log */
    public TokenInterceptor(Keyring keyring, BiConsumer<String, String> refused) {
        this.keyring = keyring;
        this.refused = refused;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String auth = headers.get(AUTHORIZATION);
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String reason;
        if (auth == null) {
            reason = "no token";
        } else if (!auth.startsWith(BEARER)) {
            reason = "authorization header is not 'Bearer <token>'";
        } else {
            String presented = auth.substring(BEARER.length());
            switch (keyring.identify(presented)) {
                case Identity.Shared s -> {
                    return admit(new Caller(null, host(peer)), call, headers, next);
                }
                case Identity.Named n -> {
                    BooleanSupplier still = () -> keyring.identify(presented) instanceof Identity.Named again && again.name().equals(n.name());
                    return admit(new Caller(n.name(), host(peer), still), call, headers, next);
                }
                case Identity.Refused r -> reason = r.reason();
            }
        }
        refused.accept(peer == null ? "?" : peer.toString(), reason + " on " + call.getMethodDescriptor().getFullMethodName());
        call.close(Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
        return new ServerCall.Listener<>() { };
    }

    private static <Q, R> ServerCall.Listener<Q> admit(Caller caller, ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(Caller.KEY, caller), call, headers, next);
    }

    /** The address without the port: limits apply to a host, whatever port it calls from. */
    static String host(SocketAddress a) {
        if (a instanceof InetSocketAddress i) return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        return a == null ? "?" : a.toString();
    }
}
