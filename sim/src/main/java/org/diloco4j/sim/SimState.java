package org.diloco4j.sim;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.Segment;
import org.diloco4j.core.stream.StreamingSchedule;
import org.diloco4j.core.train.EvalResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a simulation has that changes while it runs: the event queue, the coordinator, the
 * workers (with their replicas' training state) and the accounting. A checkpoint is this object;
 * the environment (trainer factory, evaluator, metric sink) is supplied again on resume.
 */
final class SimState {
    final EventQueue queue;
    final Coordinator coordinator;
    final DdpGroup ddp;
    final Map<String, SimWorker> workers = new LinkedHashMap<>();
    final Map<Integer, String> byMember = new HashMap<>();
    /** Latest SetTimer sequence number per key: a timer fires only if not replaced since. */
    final Map<String, Long> timers = new HashMap<>();
    final List<Segment> timeline = new ArrayList<>();
    final TreeMap<Long, Long> staleness = new TreeMap<>();
    boolean started;
    boolean stopped;
    String stopReason;
    double endTime;
    long nextEvalTokens;
    long workerSeeds;
    EvalResult initialEval;
    /** The latest evaluation of θ and the version it evaluated (the final one is not repeated). */
    EvalResult lastEval;
    long lastEvalVersion = -1;
    /** Virtual times at which the coordinator's NIC ({@link CoordinatorNic}) finishes what it already carries, in and out. */
    double nicInFreeAt;
    double nicOutFreeAt;

    SimState(Coordinator coordinator, DdpGroup ddp, long evalEveryTokens) {
        this(new EventQueue(), coordinator, ddp, evalEveryTokens);
    }

    private SimState(EventQueue queue, Coordinator coordinator, DdpGroup ddp, long evalEveryTokens) {
        this.queue = queue;
        this.coordinator = coordinator;
        this.ddp = ddp;
        this.nextEvalTokens = evalEveryTokens;
    }

    /** The simulation's state for a checkpoint; {@code workers} by name, in the order they were added. */
    record State(EventQueue.State queue, Coordinator.State coordinator, DdpGroup.State ddp, Map<String, SimWorker.State> workers,
                 Map<Integer, String> byMember, Map<String, Long> timers, List<Segment> timeline, Map<Long, Long> staleness, boolean started,
                 boolean stopped, String stopReason, double endTime, long nextEvalTokens, long workerSeeds, EvalResult initialEval,
                 EvalResult lastEval, long lastEvalVersion, double nicInFreeAt, double nicOutFreeAt) {
    }

    State state() {
        Map<String, SimWorker.State> w = new LinkedHashMap<>();
        workers.forEach((name, x) -> w.put(name, x.state()));
        return new State(queue.state(), coordinator.state(), ddp == null ? null : ddp.state(), w, new LinkedHashMap<>(byMember),
                new LinkedHashMap<>(timers), List.copyOf(timeline), new TreeMap<>(staleness), started, stopped, stopReason, endTime,
                nextEvalTokens, workerSeeds, initialEval, lastEval, lastEvalVersion, nicInFreeAt, nicOutFreeAt);
    }

    /**
     * The simulation state {@link #state()} was taken of, for the run's own configuration; the
     * coordinator reports to no sink until the driver attaches one.
     */
    static SimState restore(State s, SimConfig sim, CoordinatorConfig cc, FragmentPlan plan) {
        Coordinator c = Coordinator.restore(cc, plan, s.coordinator(), MetricSink.NONE);
        DdpGroup ddp = s.ddp() == null ? null : DdpGroup.restore(s.ddp(), sim.workers(), plan.totalSize(), sim.seed());
        SimState st = new SimState(EventQueue.restore(s.queue()), c, ddp, s.nextEvalTokens());
        StreamingSchedule streaming = Lifecycle.streamingSchedule(cc, plan);
        s.workers().forEach((name, w) -> st.workers.put(name, SimWorker.restore(w, plan, streaming)));
        st.byMember.putAll(s.byMember());
        st.timers.putAll(s.timers());
        st.timeline.addAll(s.timeline());
        st.staleness.putAll(s.staleness());
        st.started = s.started();
        st.stopped = s.stopped();
        st.stopReason = s.stopReason();
        st.endTime = s.endTime();
        st.workerSeeds = s.workerSeeds();
        st.initialEval = s.initialEval();
        st.lastEval = s.lastEval();
        st.lastEvalVersion = s.lastEvalVersion();
        st.nicInFreeAt = s.nicInFreeAt();
        st.nicOutFreeAt = s.nicOutFreeAt();
        return st;
    }

    SimWorker byMember(int member) {
        String name = byMember.get(member);
        return name == null ? null : workers.get(name);
    }
}
