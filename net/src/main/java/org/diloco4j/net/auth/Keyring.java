package org.diloco4j.net.auth;

import java.util.Set;
import java.util.function.Consumer;

/**
 * The coordinator's side of authentication: which caller a presented bearer token identifies. Two
 * kinds: one shared token ({@link #shared}), or per-worker credentials that can be revoked while
 * the run goes on ({@link LiveCredentials}).
 */
public interface Keyring {
    /** The identity behind {@code presented} (never null; {@link Identity.Refused} if nobody). Any thread. */
    Identity identify(String presented);

    /**
     * How many times credentials were revoked so far. While it stays the same, every identity handed
     * out still holds — a check that costs no stat of the credentials file. Any thread.
     */
    default long revocations() {
        return 0;
    }

    /** Told the names whose credentials were revoked, so their live sessions can be ended. A shared token is never revoked. */
    default void onRevoked(Consumer<Set<String>> listener) {
    }

    /** The simple mode: every caller that holds {@code token} is admitted, under the name it asks for. */
    static Keyring shared(Token token) {
        return presented -> token.matches(presented) ? Identity.SHARED : new Identity.Refused("wrong token");
    }
}
