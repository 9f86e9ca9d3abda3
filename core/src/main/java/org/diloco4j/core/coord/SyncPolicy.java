package org.diloco4j.core.coord;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Synchronous DiLoCo (and the DDP baseline, which is the same loop with one logical member standing
 * for k data-parallel workers and the replica copied as is).
 *
 * <p>A round starts from θ at the current version: every waiting member trains H steps. The round
 * commits when every member that started it has reported, left or lost its message — or at the
 * deadline, if at least {@code quorum} have reported; the rest are dropped and their late
 * pseudo-gradients discarded. A member that joins mid-round waits for the next round: it must not
 * dilute a round it did not train in.
 */
final class SyncPolicy extends Policy {
    private final TreeSet<Integer> pending = new TreeSet<>();
    private final List<Integer> contributors = new ArrayList<>();
    private final List<Double> weights = new ArrayList<>();
    private float[] sum;
    private double weightSum;
    private boolean running;
    private boolean started;
    private double roundStart;

    SyncPolicy(Coordinator c) {
        super(c);
    }

    private String timerKey() {
        return "round:" + c.outer().version;
    }

    @Override
    void onJoin(Member m) {
        if (running) {
            c.decide("wait", m.id, m + " joins at the next round (round from v" + c.outer().version + " under way)");
            return;
        }
        int waiting = c.members().inState(Member.State.WAITING).size();
        // DDP's one member stands for all k data-parallel workers.
        int needed = cfg.method() == Method.DDP ? 1 : cfg.minWorkers();
        if (!started && waiting < needed) {
            c.decide("wait", m.id, "waiting for " + needed + " workers before the first round (" + waiting + " so far)");
            return;
        }
        startRound();
    }

    private void startRound() {
        List<Member> ready = c.members().inState(Member.State.WAITING);
        if (ready.isEmpty()) return;
        running = true;
        started = true;
        roundStart = c.now();
        Snapshot snap = c.outer().snapshot(c.size());
        for (Member m : ready) {
            int shard = shards.choose(m, m.ownShard, cfg.innerSteps());
            c.train(m, cfg.innerSteps(), shard, snap);
            pending.add(m.id);
        }
        if (cfg.roundDeadline() > 0) c.timer(timerKey(), roundStart + cfg.roundDeadline());
    }

    @Override
    void onDelta(Member m, Event.Delta d, float[] g) {
        shards.finished(m, d.tokens(), d.steps());
        if (d.baseVersion() != c.outer().version || !pending.contains(m.id)) {
            String why = d.baseVersion() != c.outer().version
                    ? "late: trained from v" + d.baseVersion() + ", that round already committed (now v" + c.outer().version + ")"
                    : "not part of the round from v" + c.outer().version;
            c.decide("drop", m.id, m + " " + why);
            rejoin(m);
            return;
        }
        pending.remove(m.id);
        m.state = Member.State.WAITING;
        double w = shardWeight(m);
        if (g != null) {
            if (sum == null) sum = new float[g.length];
            float wf = (float) w;
            for (int i = 0; i < g.length; i++) sum[i] += wf * g[i];
        }
        weightSum += w;
        contributors.add(m.id);
        weights.add(w);
        if (pending.isEmpty()) commit();
    }

    /** A member outside the current round (late, lost message, rejected) waits, or joins a round under way. */
    private void rejoin(Member m) {
        m.state = Member.State.WAITING;
        if (running) {
            Snapshot snap = c.outer().snapshot(c.size());
            c.train(m, cfg.innerSteps(), shards.choose(m, m.ownShard, cfg.innerSteps()), snap);
            pending.add(m.id);
        } else if (started) {
            startRound();
        }
    }

    @Override
    void onIdle(Member m, int fragment) {
        shards.finished(m, 0, 0);
        if (pending.remove(m.id)) {
            m.state = Member.State.WAITING;
            if (pending.isEmpty()) commit();
        } else {
            rejoin(m);
        }
    }

    @Override
    void onRejected(Member m, int fragment) {
        onIdle(m, fragment);
    }

    @Override
    void onGone(Member m) {
        shards.finished(m, 0, 0);
        if (pending.remove(m.id) && pending.isEmpty() && running) commit();
    }

    @Override
    void onTimer(String key) {
        if (!running || !key.equals(timerKey())) return;
        if (contributors.size() >= cfg.quorum()) {
            for (int id : pending) {
                Member m = c.members().get(id);
                c.decide("drop", id, (m == null ? "#" + id : m) + " missed the round deadline of " + cfg.roundDeadline() + " s");
            }
            pending.clear();
            commit();
        } else {
            c.decide("wait", -1, "round from v" + c.outer().version + " has " + contributors.size() + " of the "
                    + cfg.quorum() + " contributions its quorum needs; deadline extended");
            c.timer(key, c.now() + cfg.roundDeadline());
        }
    }

    private void commit() {
        running = false;
        if (contributors.isEmpty()) {
            c.decide("wait", -1, "round from v" + c.outer().version + " ended with no contributions; restarting it");
            if (!c.maybeStop()) startRound();
            return;
        }
        float[] delta = null;
        double norm = Double.NaN;
        if (sum != null) {
            delta = sum;
            float inv = (float) (1.0 / weightSum);
            double sq = 0;
            for (int i = 0; i < delta.length; i++) {
                delta[i] *= inv;
                sq += (double) delta[i] * delta[i];
            }
            norm = Math.sqrt(sq);
        }
        if (cfg.method() == Method.DDP) c.outer().subtract(delta);
        else c.outer().apply(0, delta);
        List<Double> normalized = new ArrayList<>();
        for (double w : weights) normalized.add(w / weightSum);
        List<Long> zeros = new ArrayList<>();
        for (int i = 0; i < contributors.size(); i++) zeros.add(0L);
        c.outerStepDone(0, contributors, zeros, normalized, norm);
        contributors.clear();
        weights.clear();
        sum = null;
        weightSum = 0;
        if (!c.maybeStop()) startRound();
    }
}
