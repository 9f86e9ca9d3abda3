package org.diloco4j.net.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.diloco4j.net.tls.PeerLog;

import java.net.SocketAddress;
import java.util.function.BooleanSupplier;

/**
 * Refuses every call that does not carry a token the {@link Keyring} knows ({@code authorization:
 * Bearer <token>}), and hands the service the {@link Caller} of those it lets through. Refusals are
 * logged through the coordinator's one {@link PeerLog}: one line per address and reason per window,
 * whoever hammers the port.
 */
public final class TokenInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final String BEARER = "Bearer ";

    private final Keyring keyring;
    private final PeerLog refusals;

    /** @param refusals where refused calls are logged, paced */
    public TokenInterceptor(Keyring keyring, PeerLog refusals) {
        this.keyring = keyring;
        this.refusals = refusals;
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
            // Read before identifying: a revocation during or after the check changes it.
            long revocations = keyring.revocations();
            switch (keyring.identify(presented)) {
                case Identity.Shared s -> {
                    return admit(new Caller(null, PeerLog.host(peer)), call, headers, next);
                }
                case Identity.Named n -> {
                    // Asked on the event loop at the join's admission: nothing revoked since the check means
                    // still admitted, without a stat of the credentials file (or a wait for a reading under way).
                    BooleanSupplier still = () -> keyring.revocations() == revocations
                            || keyring.identify(presented) instanceof Identity.Named again && again.name().equals(n.name());
                    return admit(new Caller(n.name(), PeerLog.host(peer), still), call, headers, next);
                }
                case Identity.Refused r -> reason = r.reason();
            }
        }
        refusals.log(PeerLog.host(peer), "refused: " + reason,
                "refused a call from " + (peer == null ? "?" : peer) + ": " + reason + " on " + call.getMethodDescriptor().getFullMethodName());
        call.close(Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
        return new ServerCall.Listener<>() { };
    }

    private static <Q, R> ServerCall.Listener<Q> admit(Caller caller, ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(Caller.KEY, caller), call, headers, next);
    }
}
