package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.run.Segment;
import org.diloco4j.core.coord.RingAllReduce;
import org.diloco4j.core.train.InnerTrainer;

import java.util.ArrayList;
import java.util.List;

/**
 * The data-parallel baseline's cost model: the configured workers are k devices in lockstep behind
 * one logical worker "ddp" with the global batch. Its θ and gradients never cross a link to the
 * coordinator (messages arrive at once and are never lost); each step costs what {@link DdpGroup}
 * computes (the slowest device, then a ring all-reduce), and each device's bytes are its share of
 * the all-reduces.
 *
 * @param params |θ|
 */
record DdpCosts(SimConfig sim, SimState s, long params) implements CostModel {
    static final String WORKER = "ddp";

    @Override
    public List<WorkerSpec> initialWorkers() {
        return List.of(new WorkerSpec(WORKER, sim.workers().get(0).device(), LinkProfile.infinite(), -1));
    }

    @Override
    public InnerTrainer trainer(TrainerFactory factory, WorkerSpec spec) {
        return factory.create(spec, -1, s.ddp.size());
    }

    @Override
    public double downloadArrives(SimWorker w, long bytes, double now) {
        return now;
    }

    @Override
    public double uploadArrives(SimWorker w, long bytes, double now) {
        return now;
    }

    @Override
    public double noticeArrives(SimWorker w, double now) {
        return now;
    }

    @Override
    public boolean lost(SimWorker w) {
        return false;
    }

    @Override
    public double computeSeconds(SimWorker w, int steps, double start) {
        return s.ddp.run(steps, start, s.timeline);
    }

    @Override
    public boolean workerSegments() {
        return false;
    }

    /** Each device: its own compute, wait and all-reduce time; the group's steps; its share of the tokens and bytes. */
    @Override
    public List<RunResult.Worker> stats(Timeline timeline) {
        DdpGroup ddp = s.ddp;
        int k = ddp.size();
        long perDevice = (long) (new RingAllReduce(k, params).bytesPerDeviceEachWay() * ddp.steps);
        SimWorker g = s.workers.get(WORKER);
        List<RunResult.Worker> stats = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            stats.add(new RunResult.Worker(ddp.device(i).name(), ddp.compute[i], ddp.communicate[i], ddp.idle[i],
                    ddp.steps, g == null ? 0 : g.tokens / k, perDevice, perDevice));
        }
        return stats;
    }
}
