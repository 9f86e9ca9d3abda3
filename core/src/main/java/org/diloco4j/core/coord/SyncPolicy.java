package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.agg.AggregationReport;
import org.diloco4j.core.agg.WeightedMean;
import org.diloco4j.core.params.VectorOps;

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
    /** Σ w_i δ_i of the round; null in phantom runs, where only the count matters. */
    private final WeightedMean mean;
    private int phantomContributions;
    private boolean running;
    private boolean started;
    /** Members of the round under way, and the inner steps each of them was given. */
    private int roundSize;
    private int roundSteps;

    SyncPolicy(Coordinator c) {
        super(c);
        this.mean = c.outer().phantom() ? null : new WeightedMean(c.size(), weights);
    }

    record State(ShardChooser.State shards, List<Integer> pending, WeightedMean.State mean, int phantomContributions, boolean running,
                 boolean started, int roundSize, int roundSteps) implements Policy.State {
    }

    @Override
    State state() {
        return new State(shards.state(), List.copyOf(pending), mean == null ? null : mean.state(), phantomContributions, running, started,
                roundSize, roundSteps);
    }

    @Override
    void restore(Policy.State saved) {
        State s = (State) saved;
        shards.restore(s.shards());
        pending.clear();
        pending.addAll(s.pending());
        if (mean != null) mean.restore(s.mean());
        phantomContributions = s.phantomContributions();
        running = s.running();
        started = s.started();
        roundSize = s.roundSize();
        roundSteps = s.roundSteps();
    }

    private String timerKey() {
        return "round:" + c.outer().version;
    }

    private int contributions() {
        return mean == null ? phantomContributions : mean.includedCount();
    }

    @Override
    void onJoin(Member m) {
        if (running) {
            c.decide(DecisionKind.WAIT, m.id, m + " joins at the next round (round from v" + c.outer().version + " under way)");
            return;
        }
        int waiting = c.members().inState(Member.State.WAITING).size();
        // DDP's one member stands for all k data-parallel workers.
        int needed = cfg.method() == Method.DDP ? 1 : cfg.minWorkers();
        if (!started && waiting < needed) {
            c.decide(DecisionKind.WAIT, m.id, "waiting for " + needed + " workers before the first round (" + waiting + " so far)");
            return;
        }
        startRound();
    }

    private void startRound() {
        List<Member> ready = c.members().inState(Member.State.WAITING);
        if (ready.isEmpty()) return;
        // Rounds are never shortened to fit the token budget: a short last round applies mostly the
        // outer momentum of the rounds before it, which measurably hurt (1M-token default run:
        // held-out loss 2.752 after five whole rounds, 2.788 after a sixth round of one step).
        // Comparisons at equal tokens give synchronous methods a budget of whole rounds instead.
        // DDP is the exception: it has no outer state and syncs every step, so its "round" is only a
        // reporting interval and it stops at the budget to within one step.
        int steps = cfg.method() == Method.DDP ? c.budgetedSteps(ready.get(0), cfg.innerSteps()) : cfg.innerSteps();
        if (steps == 0) return;
        running = true;
        started = true;
        roundSize = ready.size();
        roundSteps = steps;
        Snapshot snap = c.outer().snapshot();
        for (Member m : ready) {
            c.train(m, steps, shardFor(m), snap);
            pending.add(m.id);
        }
        if (cfg.roundDeadline() > 0) c.timer(timerKey(), c.now() + cfg.roundDeadline());
    }

    /** DDP's one member trains on every shard at once (-1); DiLoCo members on the shard they are given. */
    private int shardFor(Member m) {
        return cfg.method() == Method.DDP ? -1 : shards.choose(m, m.ownShard, roundSteps);
    }

    /** DDP's one member is the whole data-parallel group; DiLoCo's round members train side by side. */
    @Override
    int lockstepMembers() {
        return cfg.method() == Method.DDP ? 1 : roundSize;
    }

    @Override
    Outcome onDelta(Member m, Event.Delta d, float[] g) {
        shards.finished(m, d.tokens(), d.steps());
        if (d.baseVersion() != c.outer().version || !pending.contains(m.id)) {
            boolean late = d.baseVersion() != c.outer().version;
            String why = late
                    ? "late: trained from v" + d.baseVersion() + ", that round already committed (now v" + c.outer().version + ")"
                    : "not part of the round from v" + c.outer().version;
            c.drop(m.id, late ? DropCause.LATE : DropCause.NOT_IN_ROUND, m + " " + why);
            rejoin(m);
            return Outcome.DROPPED;
        }
        pending.remove(m.id);
        m.state = Member.State.WAITING;
        boolean included = true;
        if (mean != null) {
            included = mean.add(contribution(m, 0), g).included();
            if (included) m.contributions++;
        } else {
            phantomContributions++;
        }
        if (pending.isEmpty()) commit();
        return included ? Outcome.BUFFERED : Outcome.DROPPED;
    }

    /** A member outside the current round (late, lost message, rejected) waits, or joins a round under way. */
    private void rejoin(Member m) {
        m.state = Member.State.WAITING;
        if (running) {
            roundSize++;
            c.train(m, roundSteps, shardFor(m), c.outer().snapshot());
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
        if (contributions() >= cfg.quorum()) {
            for (int id : pending) {
                Member m = c.members().get(id);
                c.drop(id, DropCause.MISSED_DEADLINE, (m == null ? "#" + id : m) + " missed the round deadline of " + cfg.roundDeadline() + " s");
            }
            pending.clear();
            commit();
        } else {
            c.decide(DecisionKind.WAIT, -1, "round from v" + c.outer().version + " has " + contributions() + " of the "
                    + cfg.quorum() + " contributions its quorum needs; deadline extended");
            c.timer(key, c.now() + cfg.roundDeadline());
        }
    }

    private void commit() {
        running = false;
        if (contributions() == 0) {
            if (mean != null) {
                for (AggregationReport.Entry e : mean.report().dropped()) c.drop(e.contribution().member(), e.cause(), e.reason());
                mean.reset();
            }
            c.decide(DecisionKind.WAIT, -1, "round from v" + c.outer().version + " ended with no contributions; restarting it");
            if (!c.maybeStop()) startRound();
            return;
        }
        if (mean != null) {
            float[] delta = new float[c.size()];
            AggregationReport r = mean.finish(delta);
            double norm = VectorOps.norm2(delta);
            boolean applied = cfg.method() == Method.DDP ? c.outer().subtract(delta, norm) : c.outer().apply(0, delta, norm);
            if (applied) {
                recordAggregate(0, r, norm);
            } else {
                // Each contribution passed its own checks, but together they would leave θ non-finite:
                // the round is dropped whole (θ and the momentum are untouched) and run again from the same θ.
                dropAggregate(r, "round from v" + c.outer().version + ": its aggregate (norm " + norm + ") would make θ non-finite; dropped");
            }
        } else {
            if (cfg.method() == Method.DDP) c.outer().subtract(null, Double.NaN);
            else c.outer().apply(0, null, Double.NaN);
            c.outerStepDone(0, List.of(), List.of(), List.of(), Double.NaN);
            phantomContributions = 0;
        }
        if (!c.maybeStop()) startRound();
    }
}
