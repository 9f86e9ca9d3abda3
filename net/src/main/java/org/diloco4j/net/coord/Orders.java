package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.ThetaRef;
import org.diloco4j.net.proto.TrainOrder;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Turns the coordinator's work commands into orders on a member's session. An order of a
 * synchronous round or a streaming assignment names an exact snapshot, made now in the
 * {@link ThetaStore} and held for the member until it has pulled it. An order of an asynchronous
 * method names only its version: the member is served the newest snapshot of at least that
 * version when it pulls ({@link Pulls}), and the order remembers which one it was given. Event
 * loop only.
 */
final class Orders {
    /** The slot of a session's holdings that is the θ of its current assignment (fragments use their id). */
    private static final int ASSIGNMENT = -1;

    /** An asynchronous member's current order: the least version it may be served, and the assignment it answers. */
    record Newest(int member, long generation, long assignment, long version) {
        Newest served(long v) {
            return new Newest(member, generation, assignment, Math.max(version, v));
        }
    }

    private final ThetaStore thetas;
    private final String downCodec;
    /** True for asynchronous methods: train orders name the newest θ, chosen at pull time. */
    private final boolean newest;
    private final Map<Session, Newest> current = new IdentityHashMap<>();
    /** Its snapshots share θ ({@link Coordinator#shareTheta()}): one must still hold θ's version when it is encoded. */
    private final Coordinator coordinator;

    Orders(ThetaStore thetas, String downCodec, boolean newest, Coordinator coordinator) {
        this.thetas = thetas;
        this.downCodec = downCodec;
        this.newest = newest;
        this.coordinator = coordinator;
    }

    void train(Session s, Command.Train t) {
        ThetaRef ref;
        if (newest && t.rounds() == null) {
            // Nothing is encoded now (t.theta() is θ itself, valid only during this event): the pull picks the snapshot.
            current.put(s, new Newest(s.member, s.generation, t.assignment(), t.version()));
            ref = ThetaRef.newBuilder().setId(0).setNewest(true).setFragment(-1).setVersion(t.version()).setFloats(t.theta().size())
                    .setEncodedBytes(thetas.codec().encodedSize(t.theta().size())).setCodec(downCodec).build();
        } else {
            if (t.theta().shared() == coordinator.thetaVector() && t.theta().version() != coordinator.version()) {
                // A policy that moved θ after taking a snapshot in the same event: its order would carry the newer θ.
                throw new IllegalStateException("a snapshot of θ v" + t.theta().version() + " that shares θ reached the runtime after θ moved to v"
                        + coordinator.version());
            }
            ThetaStore.Entry e = thetas.acquire(t.theta());
            hold(s, ASSIGNMENT, e.id);
            ref = ref(e);
        }
        TrainOrder.Builder b = TrainOrder.newBuilder().setVersion(t.version()).setSteps(t.openEnded() ? 0 : t.steps())
                .setOpenEnded(t.openEnded()).setShard(t.shard()).setTheta(ref)
                .setProgressTokens(t.progress().startTokens()).setProgressRate(t.progress().rate()).setAssignment(t.assignment());
        if (t.rounds() != null) for (long r : t.rounds()) b.addRounds(r);
        s.order(Order.newBuilder().setTrain(b));
    }

    void applyFragment(Session s, Command.ApplyFragment a) {
        ThetaStore.Entry e = thetas.acquire(a.values());
        hold(s, a.fragment(), e.id);
        s.order(Order.newBuilder().setFragment(FragmentOrder.newBuilder().setFragment(a.fragment()).setRound(a.round())
                .setAlpha(a.alpha()).setValues(ref(e)).setAssignment(a.assignment())));
    }

    /** The member's current asynchronous order, or null if it has none (or its method names exact snapshots). */
    Newest newest(Session s) {
        return current.get(s);
    }

    /** The member was served θ at {@code version} for its current order: a later pull for it gets no older one. */
    void served(Session s, long version) {
        current.computeIfPresent(s, (k, n) -> n.served(version));
    }

    /** The member has pulled entry {@code id} in full: it no longer needs to be held for it. */
    void pulled(Session s, long id) {
        s.holding.entrySet().removeIf(h -> {
            if (h.getValue() != id) return false;
            thetas.release(id);
            return true;
        });
    }

    /** Ends a session (with an optional last order) and releases what it held. */
    void end(Session s, Order.Builder last) {
        if (s.ended) return;
        s.end(last);
        for (long id : s.holding.values()) thetas.release(id);
        s.holding.clear();
        current.remove(s);
    }

    /** The member holds entry {@code id} in {@code slot} until it has pulled it; what it held there before is released. */
    private void hold(Session s, int slot, long id) {
        Long old = s.holding.put(slot, id);
        if (old != null) thetas.release(old);
    }

    private ThetaRef ref(ThetaStore.Entry e) {
        return ThetaRef.newBuilder().setId(e.id).setFragment(e.fragment).setVersion(e.version).setFloats(e.floats)
                .setEncodedBytes(e.encodedBytes()).setCodec(downCodec).build();
    }
}
