package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.run.Segment;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.train.InnerTrainer;

import java.util.List;

/**
 * What a run's workers cost in virtual time and bytes, chosen once per run from the method: the
 * DiLoCo family's workers each on their own device and link ({@link WorkerLinks}), or the DDP
 * baseline's devices in lockstep behind one logical worker ({@link DdpCosts}). Implementations
 * hold configuration only; what changes lives in {@link SimState}, {@link SimWorker} and
 * {@link DdpGroup}.
 */
sealed interface CostModel permits WorkerLinks, DdpCosts {
    static CostModel of(Method method, SimConfig sim, SimState s, long params) {
        return method == Method.DDP ? new DdpCosts(sim, s, params) : new WorkerLinks(sim.workers(), sim.coordinatorNic(), s);
    }

    /** The workers that start at time 0. */
    List<WorkerSpec> initialWorkers();

    /** A fresh inner trainer for worker {@code spec}. */
    InnerTrainer trainer(TrainerFactory factory, WorkerSpec spec);

    /** When {@code bytes} of θ (or of a fragment) sent to {@code w} at {@code now} have arrived. */
    double downloadArrives(SimWorker w, long bytes, double now);

    /** When {@code bytes} of a pseudo-gradient sent by {@code w} at {@code now} have arrived. */
    double uploadArrives(SimWorker w, long bytes, double now);

    /** When a message without payload (a withheld pseudo-gradient's notice) sent at {@code now} arrives. */
    double noticeArrives(SimWorker w, double now);

    /** Whether the pseudo-gradient {@code w} sends now is lost in transit. */
    boolean lost(SimWorker w);

    /** Virtual seconds {@code steps} inner steps of {@code w} take from {@code start}. */
    double computeSeconds(SimWorker w, int steps, double start);

    /** Whether {@link Timeline} records the workers' segments (DDP's group records its devices' itself). */
    boolean workerSegments();

    /** The per-worker totals of the finished run. */
    List<RunResult.Worker> stats(Timeline timeline);
}
