package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Command;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.ThetaRef;
import org.diloco4j.net.proto.TrainOrder;

/**
 * Turns the coordinator's work commands into orders on a member's session, with the θ they name
 * registered in the {@link ThetaStore} and held for the member until it has pulled it. Event loop only.
 */
final class Orders {
    /** The slot of a session's holdings that is the θ of its current assignment (fragments use their id). */
    private static final int ASSIGNMENT = -1;

    private final ThetaStore thetas;
    private final String downCodec;

    Orders(ThetaStore thetas, String downCodec) {
        this.thetas = thetas;
        this.downCodec = downCodec;
    }

    void train(Session s, Command.Train t) {
        ThetaStore.Entry e = thetas.acquire(t.theta());
        hold(s, ASSIGNMENT, e.id);
        TrainOrder.Builder b = TrainOrder.newBuilder().setVersion(t.version()).setSteps(t.openEnded() ? 0 : t.steps())
                .setOpenEnded(t.openEnded()).setShard(t.shard()).setTheta(ref(e))
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
    }

    /** The member holds entry {@code id} in {@code slot} until it has pulled it; what it held there before is released. */
    private void hold(Session s, int slot, long id) {
        Long old = s.holding.put(slot, id);
        if (old != null) thetas.release(old);
    }

    private ThetaRef ref(ThetaStore.Entry e) {
        return ThetaRef.newBuilder().setId(e.id).setFragment(e.fragment).setVersion(e.version).setFloats(e.floats)
                .setEncodedBytes(e.encodedBytes).setCodec(downCodec).build();
    }
}
