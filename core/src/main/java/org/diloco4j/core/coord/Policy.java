package org.diloco4j.core.coord;

import org.diloco4j.core.agg.AggregationReport;
import org.diloco4j.core.agg.Contribution;
import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.agg.WeightPolicy;
import org.diloco4j.core.ingest.StreamedDelta;
import org.diloco4j.core.train.GlobalProgress;

import java.util.ArrayList;
import java.util.List;

/** One protocol's reactions to events; shared bookkeeping and validation live in {@link Coordinator}. */
abstract class Policy {
    final Coordinator c;
    final CoordinatorConfig cfg;
    final ShardChooser shards;
    final WeightPolicy weights;

    Policy(Coordinator c) {
        this.c = c;
        this.cfg = c.config();
        this.shards = new ShardChooser(cfg.shards());
        // DDP's one member is the whole data-parallel group: there is nothing to weigh.
        this.weights = cfg.method() == Method.DDP ? WeightPolicy.uniform() : cfg.weighting().policy();
    }

    /** A policy's state for a checkpoint: the shard sampling and what its protocol keeps between events. */
    sealed interface State permits SyncPolicy.State, AsyncPolicy.State, StreamingPolicy.State {
        ShardChooser.State shards();
    }

    abstract State state();

    /** Restores {@link #state()} into a policy built for the same configuration (members restored first). */
    abstract void restore(State s);

    abstract void onJoin(Member m);

    /**
     * An accepted pseudo-gradient; {@code g} is the decoded dense vector of its fragment (null in
     * phantom runs). Returns what became of it: applied, included in an aggregate, dropped (late,
     * too stale, outside its round), or refused (its step was undone; the member is not yet freed).
     */
    abstract Outcome onDelta(Member m, Event.Delta d, float[] g);

    /**
     * An accepted pseudo-gradient left encoded, to be applied block by block ({@link PushChecks}
     * leaves one so only for the policies that apply each arrival alone); {@code norm} is its L2 norm.
     */
    Outcome onStreamed(Member m, Event.Delta d, StreamedDelta g, double norm) {
        throw new IllegalStateException(getClass().getSimpleName() + " keeps pseudo-gradients whole; it was handed one to stream");
    }

    /** The member's last assignment (of {@code fragment}, in streaming) produced nothing: message lost. */
    abstract void onIdle(Member m, int fragment);

    /** The member is gone (lost or left); it is already removed from the membership. */
    abstract void onGone(Member m);

    /** The member's pseudo-gradient was rejected; θ is unchanged. */
    abstract void onRejected(Member m, int fragment);

    abstract void onTimer(String key);

    /**
     * Where an assignment about to be handed to {@code m} sits on the run's clock. Members that
     * train in lockstep (rounds) all advance it equally: it starts at the tokens applied so far and
     * moves {@link #lockstepMembers()} tokens per token the member trains.
     */
    GlobalProgress progress(Member m) {
        return new GlobalProgress(c.tokens(), Math.max(1, lockstepMembers()));
    }

    /** How many members train side by side in the current round. */
    int lockstepMembers() {
        return c.members().size();
    }

    /** What the weight policy sees of a member's pseudo-gradient: who, how much data, how stale. */
    Contribution contribution(Member m, long staleness) {
        long size = m.shard >= 0 && m.shard < cfg.shards().count() ? cfg.shards().size(m.shard) : m.shardTokens;
        return new Contribution(m.id, size, staleness);
    }

    /** An aggregate that would have left θ non-finite was undone: every contribution in it is dropped, with that reason. */
    void dropAggregate(AggregationReport r, String reason) {
        for (AggregationReport.Entry e : r.dropped()) c.drop(e.contribution().member(), e.cause(), e.reason());
        for (AggregationReport.Entry e : r.included()) c.drop(e.contribution().member(), DropCause.NON_FINITE, reason);
    }

    /** Logs the contributions an aggregate dropped and reports the included ones as an outer step. */
    void recordAggregate(int fragment, AggregationReport r, double norm) {
        for (AggregationReport.Entry e : r.dropped()) c.drop(e.contribution().member(), e.cause(), e.reason());
        List<Integer> who = new ArrayList<>();
        List<Long> stale = new ArrayList<>();
        List<Double> share = new ArrayList<>();
        for (AggregationReport.Entry e : r.included()) {
            who.add(e.contribution().member());
            stale.add(e.contribution().staleness());
            share.add(e.share());
        }
        c.outerStepDone(fragment, who, stale, share, norm);
    }
}
