package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.run.Segment;
import org.diloco4j.core.train.InnerTrainer;

import java.util.List;

/**
 * The DiLoCo family's cost model: each worker computes at its own device's speed and talks to the
 * coordinator over its own link, which carries one transfer at a time each way, pays its latency,
 * is down while partitioned and drops a pseudo-gradient with its drop probability; with a
 * {@link CoordinatorNic}, every transfer also queues for the coordinator's side of the network.
 *
 * @param initialWorkers the workers present at time 0
 * @param nic            the coordinator's NIC; null = unlimited
 * @param s              where the NIC's occupancy is kept (unused without one)
 */
record WorkerLinks(List<WorkerSpec> initialWorkers, CoordinatorNic nic, SimState s) implements CostModel {
    /** Workers' links only, the coordinator unlimited. */
    WorkerLinks(List<WorkerSpec> initialWorkers) {
        this(initialWorkers, null, null);
    }

    @Override
    public InnerTrainer trainer(TrainerFactory factory, WorkerSpec spec) {
        return factory.create(spec, spec.shard(), 1);
    }

    @Override
    public double downloadArrives(SimWorker w, long bytes, double now) {
        double start = w.linkUpAt(Math.max(now, w.downFreeAt));
        w.downFreeAt = start + w.spec.link().downSeconds(bytes);
        if (nic != null) {
            s.nicOutFreeAt = Math.max(start, s.nicOutFreeAt) + bytes / nic.outBytesPerSecond();
            w.downFreeAt = Math.max(w.downFreeAt, s.nicOutFreeAt);
        }
        w.bytesDown += bytes;
        return w.downFreeAt + w.spec.link().latencySeconds();
    }

    @Override
    public double uploadArrives(SimWorker w, long bytes, double now) {
        double start = w.linkUpAt(Math.max(now, w.upFreeAt));
        w.upFreeAt = start + w.spec.link().upSeconds(bytes);
        if (nic != null) {
            s.nicInFreeAt = Math.max(start, s.nicInFreeAt) + bytes / nic.inBytesPerSecond();
            w.upFreeAt = Math.max(w.upFreeAt, s.nicInFreeAt);
        }
        w.bytesUp += bytes;
        return w.upFreeAt + w.spec.link().latencySeconds();
    }

    @Override
    public double noticeArrives(SimWorker w, double now) {
        return now + w.spec.link().latencySeconds();
    }

    @Override
    public boolean lost(SimWorker w) {
        return w.spec.link().dropProbability() > 0 && w.rng.nextDouble() < w.spec.link().dropProbability();
    }

    @Override
    public double computeSeconds(SimWorker w, int steps, double start) {
        return w.spec.device().duration(steps, start, w.rng);
    }

    @Override
    public boolean workerSegments() {
        return true;
    }

    @Override
    public List<RunResult.Worker> stats(Timeline timeline) {
        return timeline.finish();
    }
}
