package org.diloco4j.sim;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.run.Segment;
import org.diloco4j.core.train.EvalResult;

import java.io.Serializable;
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
final class SimState implements Serializable {
    final EventQueue queue = new EventQueue();
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

    SimState(Coordinator coordinator, DdpGroup ddp, long evalEveryTokens) {
        this.coordinator = coordinator;
        this.ddp = ddp;
        this.nextEvalTokens = evalEveryTokens;
    }

    SimWorker byMember(int member) {
        String name = byMember.get(member);
        return name == null ? null : workers.get(name);
    }
}
