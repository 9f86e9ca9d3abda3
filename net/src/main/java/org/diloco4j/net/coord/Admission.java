package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.time.Clock;
import org.diloco4j.net.auth.Caller;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.wire.Limits;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Joins as the runtime sees them: a join gets a unique name and a random session key, and the
 * coordinator's answer to its {@code Join} event (a welcome or a refusal, both commands) completes
 * it. Once the run is over, the worker processes lost during it are told so when they try to join
 * again. Joins past the {@link AdmissionLimits} (live members, joins per credential or address) are refused
 * {@code FULL} before the coordinator sees them; with per-worker credentials a member is admitted
 * under its credential's name, whatever name it asked for. Event loop only.
 */
final class Admission {
    /** A join the coordinator is deciding; {@link #session} or {@link #refusal} is set by its answer. */
    static final class Pending {
        final String name;
        final String instance;
        final byte[] key;
        /** The credential the member joined with (per-worker mode), or null. */
        final String credential;
        Session session;
        Command.Reject refusal;

        private Pending(String name, String instance, byte[] key, String credential) {
            this.name = name;
            this.instance = instance;
            this.key = key;
            this.credential = credential;
        }
    }

    private final Sessions sessions;
    private final SecureRandom random = new SecureRandom();
    private Pending joining;
    /** Worker processes (by instance) seen in this run that have not yet been told it is over. */
    private final Set<String> notTold = new HashSet<>();
    private final CompletableFuture<Void> allTold = new CompletableFuture<>();
    private final AdmissionLimits limits;
    private final JoinRate rate;
    /** Member id → the worker process it was admitted for: whose contributions an outer step counts. */
    private final Map<Integer, String> instances = new HashMap<>();
    private long refusedFull;

    /** @param limits resolved ({@link AdmissionLimits#resolve}) */
    Admission(Sessions sessions, AdmissionLimits limits, Clock clock) {
        this.sessions = sessions;
        this.limits = limits;
        this.rate = new JoinRate(limits.joinBurst(), limits.joinsPerMinute(), clock);
    }

    /**
     * Why a join from {@code c} is refused {@code FULL} (the run has its maximum of members, or the
     * caller — its credential, else its address: {@link Caller#limitKey} — joined too often), or
     * null if it may go to the coordinator. A refused join does not use up the caller's allowance.
     */
    String full(Caller c) {
        String why = null;
        if (sessions.ids().size() >= limits.maxMembers()) {
            why = "the run has its maximum of " + limits.maxMembers() + " workers (--max-workers); try again when one leaves";
        } else if (!rate.take(c.limitKey())) {
            why = String.format(Locale.ROOT, "too many joins from %s (at most %d at once, then %.4g per minute); try again in %.0f s",
                    c.limitKey(), limits.joinBurst(), limits.joinsPerMinute(), Math.ceil(rate.waitSeconds(c.limitKey())));
        }
        if (why != null) refusedFull++;
        return why;
    }

    /** Whether the latest refusal is worth a log line: the first few, then one in a hundred. */
    boolean logRefusal() {
        return refusedFull <= 5 || refusedFull % 100 == 0;
    }

    long refusedFull() {
        return refusedFull;
    }

    /**
     * Starts deciding a join; {@link #done} follows once the coordinator has handled it. A member
     * with a per-worker credential is admitted under the credential's name (made unique if the same
     * credential holds another live session), never under another worker's.
     */
    Pending begin(JoinRequest r, Caller c) {
        byte[] key = new byte[Limits.SESSION_KEY_BYTES];
        random.nextBytes(key);
        String asked = c.credential() != null ? c.credential() : r.getName().isBlank() ? "worker" : r.getName();
        joining = new Pending(sessions.uniqueName(asked), r.getInstance(), key, c.credential());
        return joining;
    }

    /** The worker process {@code member} was admitted for in this incarnation of the coordinator, or null. */
    String instanceOf(int member) {
        return instances.get(member);
    }

    void done() {
        joining = null;
    }

    /** The coordinator admitted the join being decided. */
    void welcome(Command.Welcome w) {
        Pending j = joining;
        if (j == null) throw new IllegalStateException("the coordinator welcomed member " + w.member() + " outside a join");
        j.session = sessions.open(w, j.instance, j.key);
        j.session.credential = j.credential;
        instances.put(w.member(), j.instance);
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
