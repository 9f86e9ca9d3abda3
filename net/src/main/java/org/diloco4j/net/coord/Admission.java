package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Command;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.wire.Limits;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Joins as the runtime sees them: a join gets a unique name and a random session key, and the
 * coordinator's answer to its {@code Join} event (a welcome or a refusal, both commands) completes
 * it. Once the run is over, the worker processes lost during it are told so when they try to join
 * again. Event loop only.
 */
final class Admission {
    /** A join the coordinator is deciding; {@link #session} or {@link #refusal} is set by its answer. */
    static final class Pending {
        final String name;
        final String instance;
        final byte[] key;
        Session session;
        Command.Reject refusal;

        private Pending(String name, String instance, byte[] key) {
            this.name = name;
            this.instance = instance;
            this.key = key;
        }
    }

    private final Sessions sessions;
    private final SecureRandom random = new SecureRandom();
    private Pending joining;
    /** Worker processes (by instance) seen in this run that have not yet been told it is over. */
    private final Set<String> notTold = new HashSet<>();
    private final CompletableFuture<Void> allTold = new CompletableFuture<>();

    Admission(Sessions sessions) {
        this.sessions = sessions;
    }

    /** Starts deciding a join; {@link #done} follows once the coordinator has handled it. */
    Pending begin(JoinRequest r) {
        byte[] key = new byte[Limits.SESSION_KEY_BYTES];
        random.nextBytes(key);
        joining = new Pending(sessions.uniqueName(r.getName().isBlank() ? "worker" : r.getName()), r.getInstance(), key);
        return joining;
    }

    void done() {
        joining = null;
    }

    /** The coordinator admitted the join being decided. */
    void welcome(Command.Welcome w) {
        Pending j = joining;
        if (j == null) throw new IllegalStateException("the coordinator welcomed member " + w.member() + " outside a join");
        j.session = sessions.open(w, j.instance, j.key);
    }

    /** The coordinator refused the join being decided. */
    void refuse(Command.Reject r) {
        if (joining != null) joining.refusal = r;
    }

    /**
     * The run is over: the processes in {@code seen} (those of live sessions are told by their
     * stop order) are told when they next try to join.
     *
     * @return how many are still to be told
     */
    int tellWhenTheyCome(Collection<String> seen) {
        notTold.addAll(seen);
        for (Session s : sessions.all()) notTold.remove(s.instance);
        if (notTold.isEmpty()) allTold.complete(null);
        return notTold.size();
    }

    /** A process tried to join after the run ended and is told so. */
    void told(String instance) {
        if (notTold.remove(instance) && notTold.isEmpty()) allTold.complete(null);
    }

    /** Completes when every process seen during the run has been told it is over. */
    CompletableFuture<Void> allTold() {
        return allTold;
    }
}
