package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.run.Segment;
import org.diloco4j.core.train.InnerTrainer;

import java.util.List;

/**
 * The DiLoCo family's cost model: each worker computes at its own device's speed and talks to the
 * coordinator over its own link, which carries one transfer at a time each way, pays its latency,
 * is down while partitioned and drops a pseudo-gradient with its drop probability.
 *
 * @param initialWorkers the workers present at time 0
 */
record WorkerLinks(List<WorkerSpec> initialWorkers) implements CostModel {
    @Override
    public InnerTrainer trainer(TrainerFactory factory, WorkerSpec spec) {
        return factory.create(spec, spec.shard(), 1);
    }

    @Override
    public double downloadArrives(SimWorker w, long bytes, double now) {
        w.downFreeAt = w.linkUpAt(Math.max(now, w.downFreeAt)) + w.spec.link().downSeconds(bytes);
        w.bytesDown += bytes;
        return w.downFreeAt + w.spec.link().latencySeconds();
    }

    @Override
    public double uploadArrives(SimWorker w, long bytes, double now) {
        w.upFreeAt = w.linkUpAt(Math.max(now, w.upFreeAt)) + w.spec.link().upSeconds(bytes);
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
