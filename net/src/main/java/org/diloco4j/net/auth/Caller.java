package org.diloco4j.net.auth;

import io.grpc.Context;

import java.util.function.BooleanSupplier;

/**
 * Who is calling, as the {@link TokenInterceptor} established it, carried in the call's gRPC
 * {@link Context} to the service.
 *
 * @param credential    the credential's name in per-worker mode (the name the caller is admitted
 *                      under), or null with the shared token
 * @param address       the caller's network address without the port ({@code 10.0.0.5}), for per-address limits
 *                      (with the shared token)
 * @param stillAdmitted asks the keyring again whether the token of this call still identifies
 *                      {@code credential}: a revocation between the interceptor's check and the use
 *                      of the call (a join being admitted) is seen at the use. Cheap while
 *                      nothing was revoked since the check (it compares {@link Keyring#revocations});
 *                      after one it identifies the token again
 */
public record Caller(String credential, String address, BooleanSupplier stillAdmitted) {
    static final Context.Key<Caller> KEY = Context.key("diloco-caller");

    /** A caller whose admission cannot be revoked (the shared token; tests). */
    public Caller(String credential, String address) {
        this(credential, address, () -> true);
    }

    /** The caller of the current call; an anonymous one outside an intercepted call (in-process tests without the interceptor). */
    public static Caller current() {
        Caller c = KEY.get();
        return c != null ? c : new Caller(null, "?");
    }

    /**
     * Whom per-caller limits (the join rate) are kept for: the credential when the caller has one —
     * workers behind one NAT address hold different credentials and must not share an allowance,
     * and one credential must not get a fresh allowance per address — else the address.
     */
    public String limitKey() {
        return credential != null ? "credential '" + credential + "'" : address;
    }
}
