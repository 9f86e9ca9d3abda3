package org.diloco4j.core.coord;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Streaming DiLoCo: θ is split into P fragments, each synchronised in its own rounds on a staggered
 * schedule that the workers follow (fragment p at inner steps t ≡ offset_p mod H). Workers train
 * continuously; for each fragment the coordinator collects one pseudo-gradient per member, applies
 * that fragment's own outer optimizer, and broadcasts the fragment, which workers merge τ steps
 * after sending.
 *
 * <p>A fragment round's participants are fixed when it opens (members training at that moment).
 * A worker admitted later receives the whole θ and the round of each fragment it holds; its first
 * pseudo-gradient of a fragment whose round opened before it joined is dropped, with that reason.
 */
final class StreamingPolicy extends Policy {
    private final int fragments;
    private final List<TreeSet<Integer>> pending = new ArrayList<>();
    private final List<List<Integer>> contributors = new ArrayList<>();
    private final List<List<Double>> weights = new ArrayList<>();
    private final float[][] sums;
    private final double[] weightSums;
    private boolean started;

    StreamingPolicy(Coordinator c) {
        super(c);
        this.fragments = c.fragmentCount();
        this.sums = new float[fragments][];
        this.weightSums = new double[fragments];
        for (int p = 0; p < fragments; p++) {
            pending.add(new TreeSet<>());
            contributors.add(new ArrayList<>());
            weights.add(new ArrayList<>());
        }
    }

    private String timerKey(int p) {
        return "fragment:" + p + ":" + c.outer().rounds[p];
    }

    @Override
    void onJoin(Member m) {
        if (!started) {
            int waiting = c.members().inState(Member.State.WAITING).size();
            if (waiting < cfg.minWorkers()) {
                c.decide("wait", m.id, "waiting for " + cfg.minWorkers() + " workers before starting (" + waiting + " so far)");
                return;
            }
            started = true;
            Snapshot snap = c.outer().snapshot(c.size());
            for (Member w : c.members().inState(Member.State.WAITING)) start(w, snap);
            for (int p = 0; p < fragments; p++) open(p);
            return;
        }
        start(m, c.outer().snapshot(c.size()));
        // Rounds nobody is part of (everyone left) are reopened with the newcomer.
        for (int p = 0; p < fragments; p++) {
            if (pending.get(p).isEmpty() && contributors.get(p).isEmpty()) open(p);
        }
        c.decide("wait", m.id, m + " contributes to each fragment from its next round");
    }

    private void start(Member m, Snapshot snap) {
        c.train(m, Command.Train.OPEN_ENDED, shards.choose(m, m.ownShard, cfg.innerSteps()), snap);
    }

    private void open(int p) {
        pending.get(p).clear();
        for (Member m : c.members().inState(Member.State.TRAINING)) pending.get(p).add(m.id);
        if (cfg.roundDeadline() > 0 && !pending.get(p).isEmpty()) c.timer(timerKey(p), c.now() + cfg.roundDeadline());
    }

    @Override
    void onDelta(Member m, Event.Delta d, float[] g) {
        int p = d.fragment();
        long round = c.outer().rounds[p];
        if (d.baseVersion() != round) {
            c.decide("drop", m.id, m + " fragment " + p + " late: from round " + d.baseVersion() + ", now round " + round);
            return;
        }
        if (!pending.get(p).remove(m.id)) {
            c.decide("drop", m.id, m + " fragment " + p + " round " + round + " opened before it joined");
            return;
        }
        double w = shardWeight(m);
        if (g != null) {
            if (sums[p] == null) sums[p] = new float[g.length];
            float[] s = sums[p];
            float wf = (float) w;
            for (int i = 0; i < g.length; i++) s[i] += wf * g[i];
        }
        weightSums[p] += w;
        contributors.get(p).add(m.id);
        weights.get(p).add(w);
        if (pending.get(p).isEmpty()) commit(p);
    }

    private void commit(int p) {
        List<Integer> who = contributors.get(p);
        if (who.isEmpty()) {
            // Workers that sent (and lost) their pseudo-gradient wait for this fragment: release them
            // with the unchanged values and the same round, then run the round again.
            c.decide("wait", -1, "fragment " + p + " round " + c.outer().rounds[p] + " ended with no contributions; reopening");
            Snapshot same = c.outer().fragmentSnapshot(p);
            for (Member m : c.members().inState(Member.State.TRAINING)) c.applyFragment(m, p, same);
            open(p);
            return;
        }
        float[] delta = sums[p];
        double norm = Double.NaN;
        if (delta != null) {
            float inv = (float) (1.0 / weightSums[p]);
            double sq = 0;
            for (int i = 0; i < delta.length; i++) {
                delta[i] *= inv;
                sq += (double) delta[i] * delta[i];
            }
            norm = Math.sqrt(sq);
        }
        c.outer().apply(p, delta);
        List<Double> normalized = new ArrayList<>();
        List<Long> zeros = new ArrayList<>();
        for (double w : weights.get(p)) {
            normalized.add(w / weightSums[p]);
            zeros.add(0L);
        }
        c.outerStepDone(p, who, zeros, normalized, norm);
        who.clear();
        weights.get(p).clear();
        sums[p] = null;
        weightSums[p] = 0;
        Snapshot snap = c.outer().fragmentSnapshot(p);
        for (Member m : c.members().inState(Member.State.TRAINING)) c.applyFragment(m, p, snap);
        if (c.maybeStop()) return;
        open(p);
    }

    @Override
    void onIdle(Member m, int fragment) {
        if (fragment < 0 || fragment >= fragments) return;
        if (pending.get(fragment).remove(m.id) && pending.get(fragment).isEmpty()) commit(fragment);
    }

    @Override
    void onRejected(Member m, int fragment) {
        onIdle(m, fragment);
    }

    @Override
    void onGone(Member m) {
        for (int p = 0; p < fragments; p++) {
            if (pending.get(p).remove(m.id) && pending.get(p).isEmpty()) commit(p);
        }
    }

    @Override
    void onTimer(String key) {
        for (int p = 0; p < fragments; p++) {
            if (!key.equals(timerKey(p))) continue;
            if (contributors.get(p).size() >= cfg.quorum()) {
                for (int id : pending.get(p)) {
                    c.decide("drop", id, "#" + id + " missed the deadline of fragment " + p + " round " + c.outer().rounds[p]);
                }
                pending.get(p).clear();
                commit(p);
            } else {
                c.decide("wait", -1, "fragment " + p + " round " + c.outer().rounds[p] + " has " + contributors.get(p).size()
                        + " of the " + cfg.quorum() + " contributions its quorum needs; deadline extended");
                c.timer(key, c.now() + cfg.roundDeadline());
            }
        }
    }
}
