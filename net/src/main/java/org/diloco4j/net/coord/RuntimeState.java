package org.diloco4j.net.coord;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.train.EvalResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a coordinator runtime checkpoints: the coordinator itself (θ, outer optimizer state,
 * versions, membership, shard sampling, byte ledger) and the driver's own state — which members
 * were alive (they are declared lost on resume), the timers the coordinator had asked for, the
 * run's clock, the evaluation schedule and the workers' totals. Saved as {@link State} in the
 * checkpoint format both drivers share ({@link CheckpointFile}, kind {@code coordinator}).
 */
final class RuntimeState {
    /** Checkpoint scalars, readable without the state: the listener's mark, outer steps done, the run's clock. */
    static final String MARK = "mark", OUTER_STEPS = "outer_steps", CLOCK = "clock";

    final Coordinator coordinator;
    /** The coordinator's configuration: a restart rebuilds the coordinator with it. */
    final CoordinatorConfig config;
    /** The resolved configuration the run was started with: a restart must use the same. */
    final String configToml;
    final TreeSet<Integer> members = new TreeSet<>();
    /** Timer key → the run's clock at which it fires. */
    final TreeMap<String, Double> timers = new TreeMap<>();
    double clock;
    long nextEvalTokens;
    final TreeMap<Long, Long> staleness = new TreeMap<>();
    /** Worker process (instance id) → its latest totals. */
    final LinkedHashMap<String, RunResult.Worker> workers = new LinkedHashMap<>();
    /** Worker process (instance id) → pseudo-gradients of it applied in outer steps: who contributed. */
    final TreeMap<String, Long> applied = new TreeMap<>();
    EvalResult initialEval;
    EvalResult lastEval;
    long lastEvalVersion = -1;
    long restarts;
    /** Why the run ended, once it has. */
    String stopReason;
    /** A copy of a state this small is always made ({@link CheckpointCut#ALWAYS_COPY_BYTES}; smaller in tests). */
    private final long alwaysCopyBytes;

    RuntimeState(Coordinator coordinator, CoordinatorConfig config, String configToml) {
        this(coordinator, config, configToml, CheckpointCut.ALWAYS_COPY_BYTES);
    }

    RuntimeState(Coordinator coordinator, CoordinatorConfig config, String configToml, long alwaysCopyBytes) {
        this.coordinator = coordinator;
        this.config = config;
        this.configToml = configToml;
        this.alwaysCopyBytes = alwaysCopyBytes;
    }

    /** The fields above as plain values; {@code workers} in the order they first reported. */
    record State(Coordinator.State coordinator, CoordinatorConfig config, String configToml, List<Integer> members,
                 Map<String, Double> timers, double clock, long nextEvalTokens, Map<Long, Long> staleness,
                 Map<String, RunResult.Worker> workers, EvalResult initialEval, EvalResult lastEval, long lastEvalVersion, long restarts,
                 String stopReason, Map<String, Long> applied) {
    }

    State state() {
        return with(coordinator.state());
    }

    private State with(Coordinator.State c) {
        return new State(c, config, configToml, new ArrayList<>(members), new TreeMap<>(timers), clock, nextEvalTokens,
                new TreeMap<>(staleness), new LinkedHashMap<>(workers), initialEval, lastEval, lastEvalVersion, restarts, stopReason,
                new TreeMap<>(applied));
    }

    /** A cut of the state now, {@code mark} (see {@link RuntimeListener#mark}) with it, and how it was taken. */
    record Cut(CheckpointStore.Checkpoint checkpoint, CheckpointCut how) {
    }

    /**
     * A checkpoint of the state now, taken on the event loop (a consistent cut). If a copy of θ and
     * the optimizer state fits ({@link CheckpointCut}) the coordinator's arrays are copied and a store
     * may stream them to the file while the loop goes on; otherwise the checkpoint holds the live
     * arrays, and must be written before the loop handles another event.
     */
    Cut checkpoint(long mark) {
        // Sized without building a state: view() and state() both copy the policy's aggregate.
        Fp32Vector theta = coordinator.thetaVector();
        CheckpointCut how = CheckpointCut.of(4 * coordinator.arrayFloats(), theta == null ? 0 : 4L * theta.size(), alwaysCopyBytes);
        State s = how == CheckpointCut.LIVE ? with(coordinator.view()) : state();
        return new Cut(new CheckpointStore.Checkpoint(s, mark, coordinator.outerSteps(), clock), how);
    }

    /**
     * The runtime state a checkpoint holds, for a run whose fragments are {@code plan}; its file was checked
     * when it was loaded. Its θ and optimizer buffers become the coordinator's own: {@code s} must not be used again.
     */
    static RuntimeState read(State s, FragmentPlan plan) throws IOException {
        // θ in the form it was read in (chunks, FileCheckpointStore): as one array it would be refused past 2^31 − 9 values.
        Fp32Vector theta = s.coordinator().savedThetaVector();
        if (theta == null || theta.size() != plan.totalSize()) {
            throw new IOException("the checkpoint's θ has " + (theta == null ? 0 : theta.size()) + " values; the run's model has " + plan.totalSize());
        }
        Coordinator c;
        try {
            // The loaded arrays become the coordinator's: a copy would hold θ and the optimizer's state twice.
            c = Coordinator.adopt(s.config(), plan, s.coordinator(), MetricSink.NONE);
        } catch (IllegalArgumentException e) {
            throw new IOException("the checkpoint does not fit the run: " + e.getMessage(), e);
        }
        RuntimeState st = new RuntimeState(c, s.config(), s.configToml());
        st.members.addAll(s.members());
        st.timers.putAll(s.timers());
        st.clock = s.clock();
        st.nextEvalTokens = s.nextEvalTokens();
        st.staleness.putAll(s.staleness());
        st.workers.putAll(s.workers());
        st.initialEval = s.initialEval();
        st.lastEval = s.lastEval();
        st.lastEvalVersion = s.lastEvalVersion();
        st.restarts = s.restarts();
        st.stopReason = s.stopReason();
        // Absent from checkpoints written before contributions were counted.
        if (s.applied() != null) st.applied.putAll(s.applied());
        return st;
    }
}
