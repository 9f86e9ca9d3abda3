package org.diloco4j.net.auth;

/** Who a presented token belongs to, as a {@link Keyring} decides. */
public sealed interface Identity {
    /** The run's one shared token (the simple mode): the caller names itself. */
    record Shared() implements Identity {
    }

    /** A per-worker credential: the caller is admitted under this name and no other. */
    record Named(String name) implements Identity {
    }

    /** Not admitted; {@code reason} is told to the caller and logged. */
    record Refused(String reason) implements Identity {
    }

    Shared SHARED = new Shared();
}
