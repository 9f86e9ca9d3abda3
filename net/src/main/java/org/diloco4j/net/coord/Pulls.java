package org.diloco4j.net.coord;

import io.grpc.Status;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.Event;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * The event loop's side of pulls: which snapshot a pull streams, and when. A pull names a snapshot
 * (an exact order's, or the one it resumes) or asks for the newest θ its member's asynchronous
 * order may have ({@link ThetaStore#newest}); a newest-θ pull the budget has no room for waits here,
 * in arrival order, until a pull in progress ends. A member served a newer θ than its order named is
 * reported to the coordinator ({@link Event.Served}) before the first byte goes out, so its push,
 * from the version it was served, answers its assignment. When a session ends (lost, evicted,
 * revoked, left) its pulls end with it: a stalled downlink must not keep a snapshot pinned, and the
 * pulls waiting for room behind it, until the worker's deadline. Event loop only.
 */
final class Pulls {
    /** A pull the transport carries out: started on a pinned snapshot, or refused. Called on the event loop. */
    interface Pull {
        /** Streams {@code e} from byte {@code offset}; the transport calls {@link #ended} when it is done. */
        void start(ThetaStore.Entry e, long offset);

        void refuse(Status why);

        /**
         * Ends a pull that is streaming, telling the worker {@code why}. Returns the snapshot it
         * pinned (the caller now releases the pin), or null if the pull had already ended (its
         * {@link #ended} is on its way).
         */
        ThetaStore.Entry stop(Status why);
    }

    private record Waiting(Session session, Pull pull) {
    }

    private final ThetaStore thetas;
    private final Orders orders;
    private final Coordinator coordinator;
    private final Consumer<Event> deliver;
    private final DoubleSupplier now;
    private final Consumer<String> log;
    private final List<Waiting> waiting = new ArrayList<>();
    /** The pulls streaming now, by session. */
    private final Map<Session, Set<Pull>> streaming = new IdentityHashMap<>();
    private long servedNewer;

    /**
     * @param deliver how an event reaches the coordinator (the loop's own delivery, with its metrics)
     * @param log     the coordinator's log, told when a snapshot could not be written
     */
    Pulls(ThetaStore thetas, Orders orders, Coordinator coordinator, Consumer<Event> deliver, DoubleSupplier now, Consumer<String> log) {
        this.thetas = thetas;
        this.orders = orders;
        this.coordinator = coordinator;
        this.deliver = deliver;
        this.now = now;
        this.log = log;
    }

    /** {@code s} asks for snapshot {@code id} from byte {@code offset}, or (id 0) for the newest θ its order may have. */
    void request(Session s, long id, long offset, Pull p) {
        if (s.ended) {
            p.refuse(over(s));
        } else if (id != 0) {
            resume(s, id, offset, p);
        } else if (offset != 0) {
            p.refuse(Status.INVALID_ARGUMENT.withDescription("a pull of the newest θ starts at offset 0 (got " + offset
                    + "); resume a broken one by the snapshot id its first chunk gave"));
        } else if (!newest(s, p)) {
            waiting.add(new Waiting(s, p));
        }
    }

    /** Pull {@code p} of {@code e} ended; {@code complete}: the member has all of it. Pulls waiting for room try again. */
    void ended(Session s, Pull p, ThetaStore.Entry e, boolean complete) {
        Set<Pull> live = streaming.get(s);
        if (live != null && live.remove(p) && live.isEmpty()) streaming.remove(s);
        thetas.unpin(e);
        if (complete) orders.pulled(s, e.id);
        retry();
    }

    /** The call of {@code p} was cancelled: if it was waiting, it waits no more. */
    void cancelled(Pull p) {
        waiting.removeIf(w -> w.pull() == p);
    }

    /** Session {@code s} ended: its pulls in progress are stopped and their snapshots unpinned, its waiting ones refused. */
    void sessionEnded(Session s) {
        Status why = over(s);
        Set<Pull> live = streaming.remove(s);
        if (live != null) {
            for (Pull p : live) {
                ThetaStore.Entry e = p.stop(why);
                if (e != null) thetas.unpin(e);
            }
        }
        waiting.removeIf(w -> {
            if (w.session() != s) return false;
            w.pull().refuse(why);
            return true;
        });
        retry();
    }

    /** Pulls so far served a newer θ than their order named. */
    long servedNewer() {
        return servedNewer;
    }

    /** Pulls waiting for room in the budget. */
    int waiting() {
        return waiting.size();
    }

    private void retry() {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (newest(w.session(), w.pull())) it.remove();
        }
    }

    private void resume(Session s, long id, long offset, Pull p) {
        ThetaStore.Entry e;
        try {
            // A broken snapshot of the current θ is encoded again; of an older θ or a fragment, it is gone.
            e = thetas.pin(id, coordinator::thetaVector, coordinator.version());
        } catch (UncheckedIOException unwritable) {
            log.accept(unwritable.getMessage());
            p.refuse(Status.UNAVAILABLE.withDescription(unwritable.getMessage()));
            return;
        }
        if (e == null) {
            p.refuse(orders.newest(s) != null
                    ? Status.ABORTED.withDescription("θ snapshot " + id + " is no longer kept: pull the newest θ again from offset 0")
                    : Status.NOT_FOUND.withDescription("θ " + id + " is no longer kept"));
        } else if (offset > e.encodedBytes()) {
            thetas.unpin(e);
            p.refuse(Status.OUT_OF_RANGE.withDescription("offset " + offset + " beyond the " + e.encodedBytes() + " bytes of θ " + id));
        } else {
            start(s, p, e, offset);
        }
    }

    private void start(Session s, Pull p, ThetaStore.Entry e, long offset) {
        streaming.computeIfAbsent(s, k -> Collections.newSetFromMap(new IdentityHashMap<>())).add(p);
        p.start(e, offset);
    }

    private static Status over(Session s) {
        return Status.NOT_FOUND.withDescription("session " + s + " has ended; join again");
    }

    /** Serves {@code s} the newest θ its order may have; false if the budget has no room for it yet. */
    private boolean newest(Session s, Pull p) {
        if (s.ended) {
            p.refuse(over(s));
            return true;
        }
        Orders.Newest n = orders.newest(s);
        if (n == null) {
            p.refuse(Status.FAILED_PRECONDITION.withDescription("member " + s + " has no order that names the newest θ"));
            return true;
        }
        ThetaStore.Entry e;
        try {
            e = thetas.newest(n.version(), coordinator::thetaVector, coordinator.version(), coordinator::downlinkRefusal);
        } catch (IllegalArgumentException unsendable) {
            // The coordinator stops the run when it next orders this θ; until then nobody is sent it saturated.
            p.refuse(Status.FAILED_PRECONDITION.withDescription("θ v" + coordinator.version() + " cannot be sent: " + unsendable.getMessage()));
            return true;
        } catch (UncheckedIOException unwritable) {
            // Nothing is kept of the snapshot: this pull fails (the worker retries it), the run goes on, the next pull tries again.
            log.accept(unwritable.getMessage());
            p.refuse(Status.UNAVAILABLE.withDescription(unwritable.getMessage()));
            return true;
        }
        if (e == null) return false;
        if (e.version > n.version()) {
            orders.served(s, e.version);
            servedNewer++;
            deliver.accept(new Event.Served(n.member(), n.generation(), n.assignment(), e.version, now.getAsDouble()));
        }
        start(s, p, e, 0);
        return true;
    }
}
