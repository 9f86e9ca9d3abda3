package org.diloco4j.sim;

import org.diloco4j.core.run.Segment;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.stream.StreamingSchedule;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.worker.Replica;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The fault model and the worker processes' lives: a worker starts (at time 0, by a scripted
 * join, or back from a long partition), and crashes, leaves, is partitioned or is evicted. The
 * coordinator learns of a loss the way it would over a network: after the session timeout, or
 * after the link's latency for a clean leave. Holds configuration only.
 */
final class Lifecycle {
    private final SimConfig sim;
    private final CoordinatorConfig cc;
    private final FragmentPlan plan;
    /** Null for a timing-only run. */
    private final TrainerFactory factory;
    private final SimState s;
    private final CostModel costs;
    private final Timeline timeline;
    /** Hands an event to the coordinator at once. */
    private final Consumer<Event> deliver;
    /** The schedule of a streaming run, else null. */
    private final StreamingSchedule streaming;

    Lifecycle(SimConfig sim, CoordinatorConfig cc, FragmentPlan plan, TrainerFactory factory, SimState s,
              CostModel costs, Timeline timeline, Consumer<Event> deliver) {
        this.sim = sim;
        this.cc = cc;
        this.plan = plan;
        this.factory = factory;
        this.s = s;
        this.costs = costs;
        this.timeline = timeline;
        this.deliver = deliver;
        this.streaming = streamingSchedule(cc, plan);
    }

    /** Starts worker {@code spec}; {@code keepState}: a process that kept running rejoins with its local state. */
    void start(WorkerSpec spec, boolean keepState) {
        SimWorker w = s.workers.get(spec.name());
        if (w == null) {
            w = new SimWorker(spec, sim.seed() * 31 + (s.workerSeeds++), streaming);
            s.workers.put(spec.name(), w);
        } else if (w.alive) {
            throw new IllegalStateException("worker " + spec.name() + " starts while alive");
        }
        if (!keepState || w.replica == null) {
            if (w.replica != null) w.replica.close();
            InnerTrainer trainer = factory == null ? null : costs.trainer(factory, spec);
            w.replica = new Replica(trainer, spec.shard(), plan, cc.upCodec(), cc.errorFeedback());
        }
        w.spec = spec;
        w.alive = true;
        w.member = -1;
        double now = now();
        w.accountedUntil = now;
        long shardTokens = spec.shard() >= 0 && spec.shard() < cc.shards().count() ? cc.shards().size(spec.shard()) : 0;
        s.queue.at(now + spec.link().latencySeconds(), new SimEvent.ToCoordinator(
                new Event.Join(spec.name(), spec.shard(), shardTokens, now + spec.link().latencySeconds()), spec.name(), w.incarnation));
    }

    void fault(Fault f) {
        switch (f) {
            case Fault.Join j -> {
                SimWorker w = s.workers.get(j.worker().name());
                if (w != null && w.alive) throw new IllegalArgumentException("fault at " + f.at() + ": " + j.worker().name() + " is already running");
                start(j.worker(), false);
            }
            case Fault.Crash c -> {
                SimWorker w = live(c.worker(), f);
                if (w == null) return;
                int member = w.member;
                retire(w);
                double at = now() + sim.sessionTimeout();
                s.queue.at(at, new SimEvent.ToCoordinator(new Event.Lost(member, "no heartbeat for " + sim.sessionTimeout() + " s (crashed)", at), null, 0));
            }
            case Fault.Leave l -> {
                SimWorker w = live(l.worker(), f);
                if (w == null) return;
                int member = w.member;
                retire(w);
                double at = now() + w.spec.link().latencySeconds();
                s.queue.at(at, new SimEvent.ToCoordinator(new Event.Leave(member, at), null, 0));
            }
            case Fault.Partition p -> {
                SimWorker w = live(p.worker(), f);
                if (w == null) return;
                w.partitions.add(new double[] {p.at(), p.until()});
                if (p.until() - p.at() > sim.sessionTimeout()) {
                    s.queue.at(p.at() + sim.sessionTimeout(), new SimEvent.PartitionTimeout(w.name(), w.incarnation, p.until()));
                }
            }
        }
    }

    /** A partition outlasted the session timeout: the coordinator declares the worker lost. */
    void partitionLost(SimWorker w, double until) {
        if (!w.alive) return;
        int member = w.member;
        retire(w);
        deliver.accept(new Event.Lost(member, "no heartbeat for " + sim.sessionTimeout() + " s (partitioned)", now()));
        // The process kept running: when its link is back it rejoins with its local state.
        s.queue.at(until, new SimEvent.Start(w.spec, true));
    }

    /** The worker's view of the run ends (crashed, left, lost or evicted). */
    void retire(SimWorker w) {
        if (!w.alive) return;
        timeline.account(w, Segment.Kind.IDLE, Math.max(now(), w.accountedUntil));
        w.alive = false;
        w.incarnation++;
        // Its messages still in flight are dropped on arrival (older incarnation): none reaches θ.
        if (w.replica != null) w.replica.settleAllLost();
        s.byMember.remove(w.member);
        if (w.stream != null) w.stream.stop();
    }

    /**
     * Gives the replicas of a resumed run fresh trainers (their training state came with the
     * checkpoint). If one fails to attach (the file fails mid-read, a size does not match), every
     * trainer built so far is closed before the failure goes on: each holds native memory the
     * garbage collector does not see (about 1.5 GB at 124M parameters), and a trainer whose restore
     * failed partway is unusable anyway.
     */
    void reattachTrainers() {
        List<SimWorker> attached = new ArrayList<>();
        for (SimWorker w : s.workers.values()) {
            if (w.replica == null || w.replica.phantom()) continue;
            InnerTrainer fresh = null;
            try {
                fresh = costs.trainer(factory, w.spec); // building one can fail too (native memory): close the others then
                w.replica.attach(fresh);
            } catch (RuntimeException e) {
                closeAll(fresh, attached, e);
                throw e;
            }
            attached.add(w);
        }
    }

    private static void closeAll(InnerTrainer fresh, List<SimWorker> attached, RuntimeException cause) {
        try {
            if (fresh != null) fresh.close();
        } catch (RuntimeException suppressed) {
            cause.addSuppressed(suppressed);
        }
        for (SimWorker w : attached) {
            try {
                w.replica.close();
            } catch (RuntimeException suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }

    private SimWorker live(String name, Fault f) {
        SimWorker w = s.workers.get(name);
        if (w == null) throw new IllegalArgumentException("fault at " + f.at() + " names unknown worker '" + name + "'");
        return w.alive ? w : null;
    }

    private double now() {
        return s.queue.now();
    }

    /** The schedule every worker of a streaming run follows, else null (also for workers restored from a checkpoint). */
    static StreamingSchedule streamingSchedule(CoordinatorConfig cc, FragmentPlan plan) {
        return cc.method() == Method.STREAMING ? new StreamingSchedule(cc.innerSteps(), plan.count(), cc.overlap()) : null;
    }
}
