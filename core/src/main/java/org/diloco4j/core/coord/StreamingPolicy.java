package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.agg.AggregationReport;
import org.diloco4j.core.agg.WeightedMean;
import org.diloco4j.core.params.VectorOps;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Streaming DiLoCo: θ is split into P fragments, each synchronised in its own rounds on a staggered
 * schedule that the workers follow. Workers train continuously; for each fragment the coordinator
 * collects one pseudo-gradient per member, applies that fragment's own outer optimizer, and
 * broadcasts the fragment, which workers merge τ steps after sending.
 *
 * <p>A fragment round's participants are fixed when it opens (members training at that moment).
 * A worker admitted later receives the whole θ and the round of each fragment it holds; its first
 * pseudo-gradient of a fragment whose round opened before it joined is dropped, with that reason.
 *
 * <p>A worker that sent a fragment trains on only until that fragment's merge step (τ &lt; H/P
 * steps, before its next send) and then waits for the fragment's next values: it sends nothing
 * else until that fragment's round closes (a member whose push was dropped because the round opened
 * before it joined waits the same way). Members that joined one by one can send the fragments in
 * another order than the workers already running (a joiner that caught up with a fragment round
 * closed quickly), and then a round can wait for a member that waits for another round that waits
 * (directly or through other waiting members) for this one: nothing would close again. When a
 * member starts waiting, every round it still owes that such a cycle holds up stops waiting for it
 * ({@link DropCause#WAITS_IN_CYCLE}), and closes with the contributions already in (applied whole) once no other member is pending;
 * the member is in that fragment's next round. If its wait ends another way first (a deadline or a
 * lost member closes the round it waited for), its push of the round that left it out, still open,
 * is taken into that round.
 */
final class StreamingPolicy extends Policy {
    private final int fragments;
    private final List<TreeSet<Integer>> pending = new ArrayList<>();
    /** Per fragment: Σ w_i δ_i of its open round; null in phantom runs. */
    private final WeightedMean[] means;
    private final int[] phantomContributions;
    private boolean started;
    /**
     * Member → the fragment whose next values it waits for (it sent that fragment, or was refused
     * or dropped while its round is open). In checkpoints: it cannot be rebuilt from the rounds'
     * contributions (a member dropped, idle or refused has none), and a resumed run must decide the same.
     */
    private final Map<Integer, Integer> waitsFor = new TreeMap<>();
    /**
     * Per fragment: members its open round stopped waiting for because they waited in a cycle. If
     * the wait that held them ends another way (a deadline, a lost member) they push this round
     * while it is open, and that push is taken: they were part of the round when it opened.
     */
    private final List<TreeSet<Integer>> leftOut = new ArrayList<>();

    StreamingPolicy(Coordinator c) {
        super(c);
        this.fragments = c.fragmentCount();
        this.means = new WeightedMean[fragments];
        this.phantomContributions = new int[fragments];
        for (int p = 0; p < fragments; p++) {
            pending.add(new TreeSet<>());
            leftOut.add(new TreeSet<>());
            if (!c.outer().phantom()) means[p] = new WeightedMean(c.fragment(p).arraySize(), weights);
        }
    }

    /**
     * @param waits   who waits for which fragment, sorted; null in a checkpoint from before it was
     *                kept (then rebuilt, as well as it can be, from the rounds' contributions)
     * @param leftOut the members each open round stopped waiting for in a cycle, sorted; null in an
     *                older checkpoint (none then)
     */
    record State(ShardChooser.State shards, List<List<Integer>> pending, List<WeightedMean.State> means, int[] phantomContributions,
                 boolean started, List<MemberFragment> waits, List<MemberFragment> leftOut) implements Policy.State {
    }

    /** A member and a fragment: the fragment it waits for, or whose open round left it out. */
    record MemberFragment(int member, int fragment) {
    }

    private static List<MemberFragment> pairs(Map<Integer, Integer> byMember) {
        List<MemberFragment> out = new ArrayList<>();
        byMember.forEach((m, f) -> out.add(new MemberFragment(m, f)));
        return List.copyOf(out);
    }

    @Override
    State state() {
        List<List<Integer>> p = new ArrayList<>();
        for (TreeSet<Integer> s : pending) p.add(List.copyOf(s));
        List<WeightedMean.State> m = new ArrayList<>();
        for (WeightedMean w : means) m.add(w == null ? null : w.state());
        List<MemberFragment> out = new ArrayList<>();
        for (int f = 0; f < fragments; f++) for (int id : leftOut.get(f)) out.add(new MemberFragment(id, f));
        return new State(shards.state(), p, m, phantomContributions.clone(), started, pairs(waitsFor), List.copyOf(out));
    }

    @Override
    void restore(Policy.State saved) {
        State s = (State) saved;
        if (s.pending().size() != fragments) throw new IllegalArgumentException("checkpoint has " + s.pending().size() + " fragments, the run " + fragments);
        shards.restore(s.shards());
        for (int p = 0; p < fragments; p++) {
            pending.get(p).clear();
            pending.get(p).addAll(s.pending().get(p));
            leftOut.get(p).clear();
            if (means[p] != null) means[p].restore(s.means().get(p));
        }
        System.arraycopy(s.phantomContributions(), 0, phantomContributions, 0, fragments);
        started = s.started();
        if (s.leftOut() != null) for (MemberFragment l : s.leftOut()) leftOut.get(l.fragment()).add(l.member());
        waitsFor.clear();
        if (s.waits() != null) {
            for (MemberFragment w : s.waits()) waitsFor.put(w.member(), w.fragment());
        } else {
            // An older checkpoint: only members counted in an open round are known to wait.
            for (int p = 0; p < fragments; p++) {
                if (s.means().get(p) != null) for (int id : s.means().get(p).members()) waitsFor.put(id, p);
            }
        }
    }

    private String timerKey(int p) {
        return "fragment:" + p + ":" + c.outer().rounds[p];
    }

    private int contributions(int p) {
        return means[p] == null ? phantomContributions[p] : means[p].includedCount();
    }

    @Override
    void onJoin(Member m) {
        if (!started) {
            int waiting = c.members().inState(Member.State.WAITING).size();
            if (waiting < cfg.minWorkers()) {
                c.decide(DecisionKind.WAIT, m.id, "waiting for " + cfg.minWorkers() + " workers before starting (" + waiting + " so far)");
                return;
            }
            started = true;
            Snapshot snap = c.outer().snapshot();
            for (Member w : c.members().inState(Member.State.WAITING)) start(w, snap);
            for (int p = 0; p < fragments; p++) open(p);
            return;
        }
        start(m, c.outer().snapshot());
        // Rounds nobody is part of (everyone left) are reopened with the newcomer.
        for (int p = 0; p < fragments; p++) {
            if (pending.get(p).isEmpty() && contributions(p) == 0) open(p);
        }
        c.decide(DecisionKind.WAIT, m.id, m + " contributes to each fragment from its next round");
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
    Outcome onDelta(Member m, Event.Delta d, float[] g) {
        int p = d.fragment();
        long round = c.outer().rounds[p];
        if (d.baseVersion() != round) {
            // Its values of this round are already on their way (sent when the older round closed): it does not wait.
            c.drop(m.id, DropCause.LATE, m + " fragment " + p + " late: from round " + d.baseVersion() + ", now round " + round);
            return Outcome.DROPPED;
        }
        if (!pending.get(p).remove(m.id) && !leftOut.get(p).remove(m.id)) {
            c.drop(m.id, DropCause.JOINED_AFTER_ROUND, m + " fragment " + p + " round " + round + " opened before it joined");
            waits(m, p);
            return Outcome.DROPPED;
        }
        boolean included = true;
        if (means[p] != null) included = means[p].add(contribution(m, 0), g).included();
        else phantomContributions[p]++;
        if (pending.get(p).isEmpty()) commit(p);
        else waits(m, p);
        return included ? Outcome.BUFFERED : Outcome.DROPPED;
    }

    /**
     * {@code m} waits for fragment {@code q}'s round to close. Every round it still owes that
     * cannot close before q's does (q's round waits, directly or through other waiting members, for
     * it) stops waiting for it, and closes if no other member is pending.
     */
    private void waits(Member m, int q) {
        waitsFor.put(m.id, q);
        for (int p : blockedBehind(q)) {
            if (c.stopped() || !pending.get(p).remove(m.id)) continue;
            leftOut.get(p).add(m.id);
            c.drop(m.id, DropCause.WAITS_IN_CYCLE, m + " fragment " + p + " round " + c.outer().rounds[p] + ": it waits for fragment " + q
                    + ", whose round waits for this one; round " + c.outer().rounds[p] + " no longer waits for it");
            if (pending.get(p).isEmpty()) commit(p);
        }
    }

    /** The fragments whose rounds must close before {@code q}'s can: those its members owing a contribution wait for, and so on. */
    private Set<Integer> blockedBehind(int q) {
        Set<Integer> seen = new TreeSet<>();
        Deque<Integer> todo = new ArrayDeque<>(List.of(q));
        while (!todo.isEmpty()) {
            int f = todo.pop();
            if (!seen.add(f)) continue;
            for (int id : pending.get(f)) {
                Integer next = waitsFor.get(id);
                if (next != null) todo.push(next);
            }
        }
        return seen;
    }

    private void commit(int p) {
        // Every member training gets the fragment's values now: nobody waits for it any more.
        waitsFor.values().removeIf(f -> f == p);
        leftOut.get(p).clear();
        if (contributions(p) == 0) {
            // Workers that sent (and lost) their pseudo-gradient wait for this fragment: release them
            // with the unchanged values and the same round, then run the round again.
            if (means[p] != null) {
                for (AggregationReport.Entry e : means[p].report().dropped()) c.drop(e.contribution().member(), e.cause(), e.reason());
                means[p].reset();
            }
            c.decide(DecisionKind.WAIT, -1, "fragment " + p + " round " + c.outer().rounds[p] + " ended with no contributions; reopening");
            Snapshot same = c.outer().fragmentSnapshot(p);
            for (Member m : c.members().inState(Member.State.TRAINING)) c.applyFragment(m, p, same);
            open(p);
            return;
        }
        if (means[p] != null) {
            float[] delta = new float[c.fragment(p).arraySize()];
            AggregationReport r = means[p].finish(delta);
            double norm = VectorOps.norm2(delta);
            if (c.outer().apply(p, delta, norm)) {
                recordAggregate(p, r, norm);
            } else {
                // As in synchronous DiLoCo: the round is dropped whole and the fragment goes back unchanged.
                dropAggregate(r, "fragment " + p + " round " + c.outer().rounds[p] + ": its aggregate (norm " + norm
                        + ") would make θ non-finite; dropped");
            }
        } else {
            c.outer().apply(p, null, Double.NaN);
            c.outerStepDone(p, List.of(), List.of(), List.of(), Double.NaN);
            phantomContributions[p] = 0;
        }
        Snapshot snap = c.outer().fragmentSnapshot(p);
        for (Member m : c.members().inState(Member.State.TRAINING)) c.applyFragment(m, p, snap);
        if (c.maybeStop()) return;
        open(p);
    }

    @Override
    void onIdle(Member m, int fragment) {
        if (fragment < 0 || fragment >= fragments) return;
        // Its worker waits for the fragment's next values all the same.
        if (pending.get(fragment).remove(m.id) && pending.get(fragment).isEmpty()) commit(fragment);
        else waits(m, fragment);
    }

    @Override
    void onRejected(Member m, int fragment) {
        onIdle(m, fragment);
    }

    @Override
    void onGone(Member m) {
        waitsFor.remove(m.id);
        for (int p = 0; p < fragments; p++) {
            leftOut.get(p).remove(m.id);
            if (pending.get(p).remove(m.id) && pending.get(p).isEmpty()) commit(p);
        }
    }

    @Override
    void onTimer(String key) {
        for (int p = 0; p < fragments; p++) {
            if (!key.equals(timerKey(p))) continue;
            if (contributions(p) >= cfg.quorum()) {
                for (int id : pending.get(p)) {
                    c.drop(id, DropCause.MISSED_DEADLINE, "#" + id + " missed the deadline of fragment " + p + " round " + c.outer().rounds[p]);
                }
                pending.get(p).clear();
                commit(p);
            } else {
                c.decide(DecisionKind.WAIT, -1, "fragment " + p + " round " + c.outer().rounds[p] + " has " + contributions(p)
                        + " of the " + cfg.quorum() + " contributions its quorum needs; deadline extended");
                c.timer(key, c.now() + cfg.roundDeadline());
            }
        }
    }
}
