package org.diloco4j.core.coord;

import java.io.UncheckedIOException;

/**
 * The coordinator could not read a pushed payload from its own storage (an upload's spool file):
 * its trouble, not the member's. Thrown out of {@link Coordinator#handle} before anything about the
 * push was decided — the member's assignment is still outstanding and nothing was applied — so the
 * transport can answer "unavailable, retry" and the member's retry of the same push is checked afresh.
 */
public final class PayloadUnreadable extends RuntimeException {
    public PayloadUnreadable(int member, UncheckedIOException cause) {
        super("could not read member " + member + "'s pseudo-gradient from the coordinator's spool: " + cause.getCause().getMessage(), cause);
    }
}
