package org.diloco4j.sim;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.coord.Snapshot;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.stream.StreamingSchedule;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.core.train.Evaluator;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.core.worker.StreamingPhase;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The deterministic simulator: drives the {@link Coordinator} with a virtual clock, simulated
 * devices and links, and real inner training. Workers' compute runs one at a time in virtual-time
 * order, so real CPU is spent only on real inner steps whatever the simulated speeds; every byte
 * counted is the size of a real encoded message. Same seed and inputs ⇒ the same run, bit for bit.
 */
public final class Simulation {
    private final SimConfig sim;
    private final CoordinatorConfig cc;
    private final int size;
    private final FragmentPlan plan;
    private final TrainerFactory factory;
    private final Evaluator evaluator;
    private final MetricSink sink;
    private final EventQueue q = new EventQueue();
    private final Coordinator coord;
    private final Codec downCodec;
    private final StreamingPhase timetable;
    private final DdpGroup ddp;
    private final Map<String, SimWorker> byName = new LinkedHashMap<>();
    private final Map<Integer, SimWorker> byMember = new HashMap<>();
    private final Map<String, Long> timers = new HashMap<>();
    private final List<Segment> timeline = new ArrayList<>();
    private final SortedMap<Long, Long> staleness = new TreeMap<>();
    private Snapshot lastSnapshot;
    private float[] lastReceived;
    private boolean stopped;
    private String stopReason;
    private double endTime;
    private long nextEvalTokens;
    private long workerSeeds;
    private Tap tap = Tap.NONE;

    /**
     * @param plan      how θ is synchronised (one fragment unless streaming)
     * @param theta0    initial θ; null for a phantom (timing-only) run, which also needs {@code factory == null}
     * @param evaluator evaluates the global θ; may be null
     */
    public Simulation(SimConfig sim, CoordinatorConfig cc, FragmentPlan plan, float[] theta0,
                      TrainerFactory factory, Evaluator evaluator, MetricSink sink) {
        if ((theta0 == null) != (factory == null)) {
            throw new IllegalArgumentException("a phantom run has neither θ nor trainers; a real run needs both");
        }
        if (cc.method() == Method.DDP && !sim.faults().isEmpty()) {
            throw new IllegalArgumentException("faults are not simulated for the ddp baseline (it has no fault tolerance to measure)");
        }
        this.sim = sim;
        this.cc = cc;
        this.size = plan.totalSize();
        this.plan = plan;
        this.factory = factory;
        this.evaluator = evaluator;
        this.sink = sink;
        this.downCodec = Codecs.parse(cc.downCodec());
        this.timetable = cc.method() == Method.STREAMING
                ? new StreamingPhase(new StreamingSchedule(cc.innerSteps(), plan.count(), cc.overlap())) : null;
        this.ddp = cc.method() == Method.DDP ? new DdpGroup(sim.workers(), size, sim.seed()) : null;
        this.coord = new Coordinator(cc, plan, theta0, this::observe);
        this.nextEvalTokens = sim.evalEveryTokens();
    }

    /** Observe events and commands as they happen. */
    public Simulation tap(Tap t) {
        this.tap = t;
        return this;
    }

    /** Runs to the end (token budget, step limit, time limit, or no workers left). */
    public SimResult run() {
        EvalResult initial = evaluate(0);
        if (ddp != null) {
            WorkerSpec group = new WorkerSpec("ddp", sim.workers().get(0).device(), LinkProfile.infinite(), -1);
            q.at(0, () -> join(group, factory == null ? null : factory.create(group, -1, ddp.size())));
        } else {
            for (WorkerSpec w : sim.workers()) q.at(0, () -> join(w, null));
        }
        for (Fault f : sim.faults()) q.at(f.at(), () -> fault(f));
        if (sim.maxSeconds() > 0) q.at(sim.maxSeconds(), () -> stop("time limit of " + sim.maxSeconds() + " simulated seconds"));
        while (!stopped && q.step()) {
            // each step runs one scheduled action
        }
        if (!stopped) stop("nothing left to simulate (no live workers)");
        EvalResult last = evaluate(coord.tokens());
        return result(initial, last);
    }

    // ---- coordinator plumbing -----------------------------------------------------------------

    private void deliver(Event e) {
        if (stopped) return;
        tap.event(e);
        for (Command c : coord.handle(e)) {
            tap.command(c, q.now());
            execute(c);
        }
    }

    private void execute(Command c) {
        switch (c) {
            case Command.Welcome w -> welcome(w);
            case Command.Train t -> train(byMember.get(t.member()), t);
            case Command.ApplyFragment a -> applyFragment(byMember.get(a.member()), a);
            case Command.Evict e -> {
                SimWorker w = byMember.remove(e.member());
                if (w != null) retire(w);
            }
            case Command.Reject r -> {
                // θ is unchanged; the coordinator hands the worker new work in its policy.
            }
            case Command.SetTimer t -> timer(t);
            case Command.Stop s -> stop(s.reason());
        }
    }

    private void welcome(Command.Welcome w) {
        SimWorker sw = byName.get(w.name());
        sw.member = w.member();
        sw.generation = w.generation();
        byMember.put(w.member(), sw);
    }

    private void timer(Command.SetTimer t) {
        long seq = timers.merge(t.key(), 1L, Long::sum);
        q.at(Math.max(t.at(), q.now()), () -> {
            if (timers.get(t.key()) == seq) deliver(new Event.Timer(t.key(), q.now()));
        });
    }

    private void observe(Metric m) {
        sink.emit(m);
        if (m instanceof Metric.OuterStep s) {
            for (long st : s.staleness()) staleness.merge(st, 1L, Long::sum);
            if (evaluator != null && sim.evalEveryTokens() > 0 && s.tokens() >= nextEvalTokens) {
                while (nextEvalTokens <= s.tokens()) nextEvalTokens += sim.evalEveryTokens();
                evaluate(s.tokens());
            }
        }
    }

    private EvalResult evaluate(long tokens) {
        if (evaluator == null || coord.theta() == null) return null;
        EvalResult r = evaluator.evaluate(coord.theta());
        sink.emit(new Metric.Eval(tokens, coord.version(), r.loss(), q.now()));
        return r;
    }

    private void stop(String reason) {
        if (stopped) return;
        stopped = true;
        stopReason = reason;
        endTime = q.now();
        q.clear();
    }

    // ---- membership and faults ----------------------------------------------------------------

    private void join(WorkerSpec spec, InnerTrainer trainer) {
        SimWorker w = byName.get(spec.name());
        if (w == null) {
            w = new SimWorker(spec, sim.seed() * 31 + (workerSeeds++));
            byName.put(spec.name(), w);
        } else if (w.alive) {
            throw new IllegalStateException("worker " + spec.name() + " joins while alive");
        }
        if (w.replica != null && trainer == null && w.replica.trainer() != null && w.spec.equals(spec)) {
            trainer = w.replica.trainer(); // rejoining after a partition: the process kept its state
        } else if (w.replica != null) {
            w.replica.close();
        }
        if (trainer == null && factory != null) trainer = factory.create(spec, spec.shard(), 1);
        w.replica = new Replica(trainer, spec.shard(), plan, cc.upCodec(), false);
        w.alive = true;
        w.member = -1;
        w.accountedUntil = q.now();
        long shardTokens = spec.shard() >= 0 && spec.shard() < cc.shards().count() ? cc.shards().size(spec.shard()) : 0;
        double arrive = q.now() + spec.link().latencySeconds();
        SimWorker joining = w;
        int inc = w.incarnation;
        q.at(arrive, () -> {
            if (joining.incarnation == inc) deliver(new Event.Join(spec.name(), spec.shard(), shardTokens, q.now()));
        });
    }

    private void fault(Fault f) {
        switch (f) {
            case Fault.Join j -> {
                SimWorker w = byName.get(j.worker().name());
                if (w != null && w.alive) throw new IllegalArgumentException("fault at " + f.at() + ": " + j.worker().name() + " is already running");
                if (w != null && w.replica != null) {
                    w.replica.close();
                    w.replica = null;
                }
                join(j.worker(), null);
            }
            case Fault.Crash c -> {
                SimWorker w = live(c.worker(), f);
                if (w == null) return;
                int member = w.member;
                retire(w);
                q.at(q.now() + sim.sessionTimeout(), () -> deliver(new Event.Lost(member, "no heartbeat for " + sim.sessionTimeout() + " s (crashed)", q.now())));
            }
            case Fault.Leave l -> {
                SimWorker w = live(l.worker(), f);
                if (w == null) return;
                int member = w.member;
                retire(w);
                q.at(q.now() + w.spec.link().latencySeconds(), () -> deliver(new Event.Leave(member, q.now())));
            }
            case Fault.Partition p -> {
                SimWorker w = live(p.worker(), f);
                if (w == null) return;
                w.partitions.add(new double[] {p.at(), p.until()});
                if (p.until() - p.at() > sim.sessionTimeout()) {
                    int inc = w.incarnation;
                    q.at(p.at() + sim.sessionTimeout(), () -> {
                        if (w.incarnation != inc || !w.alive) return;
                        int member = w.member;
                        account(w, Segment.Kind.IDLE, q.now());
                        w.incarnation++;
                        w.alive = false;
                        byMember.remove(member);
                        deliver(new Event.Lost(member, "no heartbeat for " + sim.sessionTimeout() + " s (partitioned)", q.now()));
                        q.at(p.until(), () -> {
                            if (!w.alive) join(w.spec, null);
                        });
                    });
                }
            }
        }
    }

    private SimWorker live(String name, Fault f) {
        SimWorker w = byName.get(name);
        if (w == null) throw new IllegalArgumentException("fault at " + f.at() + " names unknown worker '" + name + "'");
        return w.alive ? w : null;
    }

    private void retire(SimWorker w) {
        if (!w.alive) return;
        account(w, Segment.Kind.IDLE, Math.max(q.now(), w.accountedUntil));
        w.alive = false;
        w.incarnation++;
        byMember.remove(w.member);
        w.pendingMerges.clear();
        w.inbox.clear();
        w.blockedOn = -1;
    }

    // ---- workers ------------------------------------------------------------------------------

    /** θ as the worker decodes it: the snapshot itself unless it travels through a lossy codec. */
    private float[] received(Snapshot s) {
        if (s.phantom()) return null;
        if (downCodec.name().equals("fp32")) return s.values();
        if (s != lastSnapshot) {
            lastSnapshot = s;
            lastReceived = downCodec.decode(downCodec.encode(s.values()), s.size());
        }
        return lastReceived;
    }

    /** Occupies the downlink with {@code bytes}; returns the arrival time. */
    private double download(SimWorker w, long bytes) {
        double start = w.linkUpAt(Math.max(q.now(), w.downFreeAt));
        double busy = w.spec.link().downSeconds(bytes);
        w.downFreeAt = start + busy;
        w.bytesDown += bytes;
        return start + busy + w.spec.link().latencySeconds();
    }

    private double upload(SimWorker w, long bytes, double from) {
        double start = w.linkUpAt(Math.max(from, w.upFreeAt));
        double busy = w.spec.link().upSeconds(bytes);
        w.upFreeAt = start + busy;
        w.bytesUp += bytes;
        return start + busy + w.spec.link().latencySeconds();
    }

    private void train(SimWorker w, Command.Train t) {
        if (w == null || !w.alive) return;
        int inc = w.incarnation;
        double sent = q.now();
        account(w, Segment.Kind.IDLE, sent);
        double arrive = ddp != null ? sent : download(w, downCodec.encodedSize(size));
        q.at(arrive, () -> {
            if (w.incarnation != inc || stopped) return;
            account(w, Segment.Kind.COMMUNICATE, q.now());
            w.replica.start(t, received(t.theta()));
            if (t.openEnded()) {
                w.step = timetable.startStep(t.rounds());
                w.pendingMerges.clear();
                w.inbox.clear();
                w.lastSentStep = -1;
                streamingLoop(w, inc);
            } else {
                runAssignment(w, t, inc);
            }
        });
    }

    private void runAssignment(SimWorker w, Command.Train t, int inc) {
        double start = q.now();
        double seconds;
        if (ddp != null) {
            seconds = ddp.run(t.steps(), start, timeline);
        } else {
            seconds = w.spec.device().duration(t.steps(), start, w.rng);
        }
        TrainReport r = w.replica.train(t.steps());
        recordTraining(w, r, start + seconds);
        if (ddp == null) account(w, Segment.Kind.COMPUTE, start + seconds);
        else w.accountedUntil = start + seconds;
        q.at(start + seconds, () -> {
            if (w.incarnation != inc || stopped) return;
            Payload payload = w.replica.delta(0);
            double arrive = ddp != null ? q.now() : upload(w, payload.size(), q.now());
            if (ddp == null) account(w, Segment.Kind.COMMUNICATE, arrive);
            boolean lost = ddp == null && w.spec.link().dropProbability() > 0 && w.rng.nextDouble() < w.spec.link().dropProbability();
            Event e = lost
                    ? new Event.Idle(w.member, w.generation, 0, "pseudo-gradient lost in transit", arrive)
                    : new Event.Delta(w.member, w.generation, t.version(), 0, r.steps(), r.tokens(), seconds, payload, arrive);
            q.at(arrive, () -> {
                if (w.incarnation == inc) deliver(e);
            });
        });
    }

    private void recordTraining(SimWorker w, TrainReport r, double end) {
        w.steps += r.steps();
        w.tokens += r.tokens();
        if (r.steps() > 0 && !w.replica.phantom()) {
            sink.emit(new Metric.TrainLoss(w.name(), w.steps, r.meanLoss(), end));
        }
    }

    // ---- streaming ----------------------------------------------------------------------------

    /** Advances a streaming worker from a step boundary: send, merge (maybe block), then compute to the next boundary. */
    private void streamingLoop(SimWorker w, int inc) {
        if (w.incarnation != inc || stopped) return;
        double now = q.now();
        int p = timetable.fragmentSentAfter(w.step);
        if (p >= 0 && w.lastSentStep != w.step) {
            w.lastSentStep = w.step;
            Payload payload = w.replica.delta(p);
            double arrive = upload(w, payload.size(), now);
            boolean lost = w.spec.link().dropProbability() > 0 && w.rng.nextDouble() < w.spec.link().dropProbability();
            Event e = lost
                    ? new Event.Idle(w.member, w.generation, p, "pseudo-gradient lost in transit", arrive)
                    : new Event.Delta(w.member, w.generation, w.replica.round(p), p, w.unreportedSteps, w.unreportedTokens,
                    w.unreportedCompute, payload, arrive);
            w.unreportedSteps = 0;
            w.unreportedTokens = 0;
            w.unreportedCompute = 0;
            q.at(arrive, () -> {
                if (w.incarnation == inc) deliver(e);
            });
            w.pendingMerges.add(new long[] {p, w.step + cc.overlap()});
        }
        while (!w.pendingMerges.isEmpty() && w.pendingMerges.peek()[1] == w.step) {
            int f = (int) w.pendingMerges.peek()[0];
            SimWorker.Arrival a = pollArrival(w, f);
            if (a == null) {
                w.blockedOn = f;
                w.blockedSince = now;
                account(w, Segment.Kind.COMPUTE, now);
                return;
            }
            w.pendingMerges.poll();
            w.replica.merge(a.command(), a.values());
        }
        // Fragments that arrived without a pending merge (a joiner's first rounds) merge at once.
        for (int f = 0; f < plan.count(); f++) {
            if (!expectsMerge(w, f)) {
                SimWorker.Arrival a;
                while ((a = pollArrival(w, f)) != null) w.replica.merge(a.command(), a.values());
            }
        }
        long next = timetable.nextSendAfter(w.step);
        if (!w.pendingMerges.isEmpty()) next = Math.min(next, w.pendingMerges.peek()[1]);
        int n = (int) (next - w.step);
        double seconds = w.spec.device().duration(n, now, w.rng);
        TrainReport r = w.replica.train(n);
        w.step = next;
        w.unreportedSteps += n;
        w.unreportedTokens += r.tokens();
        w.unreportedCompute += seconds;
        account(w, Segment.Kind.COMPUTE, now + seconds);
        recordTraining(w, r, now + seconds);
        q.at(now + seconds, () -> streamingLoop(w, inc));
    }

    private boolean expectsMerge(SimWorker w, int f) {
        for (long[] m : w.pendingMerges) if (m[0] == f) return true;
        return false;
    }

    private SimWorker.Arrival pollArrival(SimWorker w, int f) {
        var box = w.inbox.get(f);
        return box == null ? null : box.poll();
    }

    private void applyFragment(SimWorker w, Command.ApplyFragment a) {
        if (w == null || !w.alive) return;
        int inc = w.incarnation;
        double arrive = download(w, downCodec.encodedSize(a.values().size()));
        double busy = w.spec.link().downSeconds(downCodec.encodedSize(a.values().size()));
        q.at(arrive, () -> {
            if (w.incarnation != inc || stopped) return;
            w.inbox.computeIfAbsent(a.fragment(), k -> new java.util.ArrayDeque<>())
                    .add(new SimWorker.Arrival(a, received(a.values()), q.now()));
            if (w.blockedOn == a.fragment()) {
                // Blocked time: its own transfers (upload still in flight, then this download) count
                // as communication, the rest was waiting for the other workers.
                double blocked = q.now() - w.blockedSince;
                double comm = Math.min(blocked, busy + w.spec.link().latencySeconds()
                        + Math.max(0, w.upFreeAt - w.blockedSince));
                account(w, Segment.Kind.IDLE, q.now() - comm);
                account(w, Segment.Kind.COMMUNICATE, q.now());
                w.blockedOn = -1;
                streamingLoop(w, inc);
            }
        });
    }

    // ---- accounting ---------------------------------------------------------------------------

    /** Records that worker {@code w} spent [accountedUntil, until) doing {@code kind}. */
    private void account(SimWorker w, Segment.Kind kind, double until) {
        if (until <= w.accountedUntil) return;
        if (ddp == null) timeline.add(new Segment(w.name(), kind, w.accountedUntil, until));
        double s = until - w.accountedUntil;
        switch (kind) {
            case COMPUTE -> w.computeSeconds += s;
            case COMMUNICATE -> w.communicateSeconds += s;
            case IDLE -> w.idleSeconds += s;
        }
        w.accountedUntil = until;
    }

    private SimResult result(EvalResult initial, EvalResult last) {
        List<WorkerStats> stats = new ArrayList<>();
        if (ddp != null) {
            int k = ddp.size();
            // Ring all-reduce: each device sends and receives 2(k−1)/k·4|θ| bytes per step, split here
            // half as "up" and half as "down" like the coordinator's ledger.
            long perDevice = (long) ((k - 1) * 4.0 * size / k * ddp.steps);
            SimWorker g = byName.get("ddp");
            for (int i = 0; i < k; i++) {
                stats.add(new WorkerStats(ddp.device(i).name(), ddp.compute[i], ddp.communicate[i], ddp.idle[i],
                        ddp.steps, g == null ? 0 : g.tokens / k, perDevice, perDevice));
            }
        } else {
            for (SimWorker w : byName.values()) {
                if (w.alive) account(w, Segment.Kind.IDLE, endTime);
                stats.add(new WorkerStats(w.name(), w.computeSeconds, w.communicateSeconds, w.idleSeconds, w.steps, w.tokens,
                        w.bytesUp, w.bytesDown));
            }
        }
        for (SimWorker w : byName.values()) if (w.replica != null) w.replica.close();
        return new SimResult(endTime, coord.outerSteps(), coord.tokens(), coord.ledger().up(), coord.ledger().down(),
                new TreeMap<>(staleness), stats, List.copyOf(timeline), initial, last, stopReason);
    }

    /** The coordinator, for drivers that inspect θ or counters after the run. */
    public Coordinator coordinator() {
        return coord;
    }
}
