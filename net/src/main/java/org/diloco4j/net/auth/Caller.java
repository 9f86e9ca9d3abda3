package org.diloco4j.net.auth;

import io.grpc.Context;

/**
 * Who is calling, as the {@link TokenInterceptor} established it, carried in the call's gRPC
 * {@link Context} to the service.
 *
 * @param credential the credential's name in per-worker mode (the name the caller is admitted
 *                   under), or null with the shared token
 * @param address    the caller's network address without the port ({@code 10.0.0.5}), for per-address limits
 */
public record Caller(String credential, String address) {
    static final Context.Key<Caller> KEY = Context.key("diloco-caller");

    /** The caller of the current call; an anonymous one outside an intercepted call (in-process tests without the interceptor). */
    public static Caller current() {
        Caller c = KEY.get();
        return c != null ? c : new Caller(null, "?");
    }
}
