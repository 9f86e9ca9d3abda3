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
import org.diloco4j.core.train.TrainTally;
import org.diloco4j.core.worker.Outgoing;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.core.worker.StreamingPhase;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The deterministic simulator: drives the {@link Coordinator} with a virtual clock, simulated
 * devices and links, and real inner training. Workers' compute runs one at a time in virtual-time
 * order, so real CPU is spent only on real inner steps whatever the simulated speeds; every byte
 * counted is the size of a real encoded message. Same seed and inputs ⇒ the same run, bit for bit,
 * including across a checkpoint and resume.
 */
public final class Simulation implements AutoCloseable {
    private final SimConfig sim;
    private final CoordinatorConfig cc;
    private final FragmentPlan plan;
    private final int size;
    private final TrainerFactory factory;
    private final Evaluator evaluator;
    private final MetricSink sink;
    private final Codec downCodec;
    private final StreamingPhase phase;
    private final SimState s;
    private Tap tap = Tap.NONE;
    private Snapshot lastSnapshot;
    private float[] lastReceived;

    /**
     * @param plan      how θ is synchronised (one fragment unless streaming)
     * @param theta0    initial θ; null for a phantom (timing-only) run, which also needs {@code factory == null}
     * @param evaluator evaluates the global θ; may be null
     */
    public Simulation(SimConfig sim, CoordinatorConfig cc, FragmentPlan plan, float[] theta0,
                      TrainerFactory factory, Evaluator evaluator, MetricSink sink) {
        this(sim, cc, plan, factory, evaluator, sink, null, theta0);
    }

    private Simulation(SimConfig sim, CoordinatorConfig cc, FragmentPlan plan, TrainerFactory factory, Evaluator evaluator,
                       MetricSink sink, SimState restored, float[] theta0) {
        if (restored == null && (theta0 == null) != (factory == null)) {
            throw new IllegalArgumentException("a phantom run has neither θ nor trainers; a real run needs both");
        }
        if (cc.method() == Method.DDP && !sim.faults().isEmpty()) {
            throw new IllegalArgumentException("faults are not simulated for the ddp baseline (it has no fault tolerance to measure)");
        }
        this.sim = sim;
        this.cc = cc;
        this.plan = plan;
        this.size = plan.totalSize();
        this.factory = factory;
        this.evaluator = evaluator;
        this.sink = sink;
        this.downCodec = Codecs.parse(cc.downCodec());
        this.phase = cc.method() == Method.STREAMING
                ? new StreamingPhase(new StreamingSchedule(cc.innerSteps(), plan.count(), cc.overlap())) : null;
        if (restored != null) {
            this.s = restored;
            s.coordinator.attach(this::observe);
            reattachTrainers();
        } else {
            DdpGroup ddp = cc.method() == Method.DDP ? new DdpGroup(sim.workers(), size, sim.seed()) : null;
            this.s = new SimState(new Coordinator(cc, plan, theta0, this::observe), ddp, sim.evalEveryTokens());
        }
    }

    /**
     * Continues a run from a checkpoint written by {@link #checkpoint}. The configuration, trainer
     * factory and evaluator must be the ones of the original run.
     */
    public static Simulation resume(InputStream checkpoint, SimConfig sim, CoordinatorConfig cc, FragmentPlan plan,
                                    TrainerFactory factory, Evaluator evaluator, MetricSink sink) throws IOException {
        SimState.State saved = SimCheckpoint.read(checkpoint);
        float[] theta = saved.coordinator().savedTheta();
        if (theta != null && theta.length != plan.totalSize()) {
            throw new IOException("checkpoint is of a model with " + theta.length + " parameters, the config has " + plan.totalSize());
        }
        SimState state;
        try {
            state = SimState.restore(saved, sim, cc, plan);
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint does not fit the run's configuration: " + e.getMessage(), e);
        }
        return new Simulation(sim, cc, plan, factory, evaluator, sink, state, null);
    }

    /** The global θ stored in a checkpoint (for sampling from or evaluating a saved run). */
    public static float[] readTheta(InputStream checkpoint) throws IOException {
        float[] theta = SimCheckpoint.read(checkpoint).coordinator().savedTheta();
        if (theta == null) throw new IOException("the checkpoint is of a timing-only run: it has no parameters");
        return theta.clone();
    }

    /** Observe events and commands as they happen. */
    public Simulation tap(Tap t) {
        this.tap = t;
        return this;
    }

    /** Runs to the end (token budget, step limit, time limit, or no workers left). */
    public SimResult run() {
        return run(() -> false);
    }

    /**
     * Runs until the end or until {@code pause} says to stop at an event boundary (then returns null;
     * {@link #checkpoint} saves the state and a resumed simulation continues exactly).
     */
    public SimResult run(BooleanSupplier pause) {
        if (!s.started) begin();
        while (!s.stopped) {
            if (pause.getAsBoolean()) return null;
            SimEvent e = s.queue.next();
            if (e == null) break;
            dispatch(e);
        }
        if (!s.stopped) stop("nothing left to simulate (no live workers)");
        if (s.lastEval == null || s.lastEvalVersion != s.coordinator.version()) evaluate(s.coordinator.tokens());
        return result(s.lastEval);
    }

    /** Writes the whole simulation state (call between events, e.g. when {@link #run(BooleanSupplier)} paused). */
    public void checkpoint(OutputStream out) throws IOException {
        SimCheckpoint.write(s, out);
    }

    public boolean finished() {
        return s.stopped;
    }

    /** Releases the workers' trainers (native memory). The simulation cannot run or be checkpointed afterwards. */
    @Override
    public void close() {
        for (SimWorker w : s.workers.values()) if (w.replica != null) w.replica.close();
    }

    /** The coordinator, for drivers that inspect θ or counters. */
    public Coordinator coordinator() {
        return s.coordinator;
    }

    /** A worker's replica, or null (tests read its error-feedback residual). */
    Replica replica(String worker) {
        SimWorker w = s.workers.get(worker);
        return w == null ? null : w.replica;
    }

    /** Virtual time now. */
    public double now() {
        return s.queue.now();
    }

    private void begin() {
        s.started = true;
        s.initialEval = evaluate(0);
        if (s.ddp != null) {
            s.queue.at(0, new SimEvent.Start(new WorkerSpec("ddp", sim.workers().get(0).device(), LinkProfile.infinite(), -1), false));
        } else {
            for (WorkerSpec w : sim.workers()) s.queue.at(0, new SimEvent.Start(w, false));
        }
        for (Fault f : sim.faults()) s.queue.at(f.at(), new SimEvent.FaultFires(f));
        if (sim.maxSeconds() > 0) s.queue.at(sim.maxSeconds(), new SimEvent.TimeLimit(sim.maxSeconds()));
    }

    private void dispatch(SimEvent e) {
        switch (e) {
            case SimEvent.Start st -> start(st.worker(), st.keepState());
            case SimEvent.ToCoordinator tc -> {
                SimWorker w = tc.worker() == null ? null : s.workers.get(tc.worker());
                if (tc.worker() == null) deliver(tc.event());
                else if (w != null && w.incarnation == tc.incarnation()) settle(w, tc.event(), deliver(tc.event()));
            }
            case SimEvent.TrainArrives ta -> ifCurrent(ta.worker(), ta.incarnation(), w -> trainArrived(w, ta.train()));
            case SimEvent.ComputeDone cd -> ifCurrent(cd.worker(), cd.incarnation(), w -> computeDone(w, cd));
            case SimEvent.StreamStep ss -> ifCurrent(ss.worker(), ss.incarnation(), this::streamingLoop);
            case SimEvent.FragmentArrives fa -> ifCurrent(fa.worker(), fa.incarnation(), w -> fragmentArrived(w, fa));
            case SimEvent.TimerFires tf -> {
                if (s.timers.get(tf.key()) == tf.seq()) deliver(new Event.Timer(tf.key(), now()));
            }
            case SimEvent.FaultFires ff -> fault(ff.fault());
            case SimEvent.PartitionTimeout pt -> ifCurrent(pt.worker(), pt.incarnation(), w -> partitionLost(w, pt.until()));
            case SimEvent.TimeLimit tl -> stop("time limit of " + tl.seconds() + " simulated seconds");
        }
    }

    private void ifCurrent(String name, int incarnation, java.util.function.Consumer<SimWorker> action) {
        SimWorker w = s.workers.get(name);
        if (w != null && w.incarnation == incarnation && !s.stopped) action.accept(w);
    }

    // ---- coordinator plumbing -----------------------------------------------------------------

    /** Hands {@code e} to the coordinator and executes its answer, which it returns. */
    private List<Command> deliver(Event e) {
        if (s.stopped) return List.of();
        tap.event(e);
        List<Command> answer = s.coordinator.handle(e);
        for (Command c : answer) {
            tap.command(c, now());
            execute(c);
        }
        return answer;
    }

    /**
     * Tells a worker how the message it sent ended: a pseudo-gradient reached θ unless the
     * coordinator answered it with {@link Command.Unapplied}; one lost in transit, or withheld, did not.
     */
    private static void settle(SimWorker w, Event sent, List<Command> answer) {
        switch (sent) {
            case Event.Delta d -> w.replica.settle(d.fragment(),
                    answer.stream().noneMatch(c -> c instanceof Command.Unapplied u && u.member() == d.member()));
            case Event.Idle i -> w.replica.settle(i.fragment(), false);
            default -> { }
        }
    }

    private void execute(Command c) {
        switch (c) {
            case Command.Welcome w -> {
                SimWorker sw = s.workers.get(w.name());
                sw.member = w.member();
                sw.generation = w.generation();
                s.byMember.put(w.member(), w.name());
            }
            case Command.Train t -> train(s.byMember(t.member()), t);
            case Command.ApplyFragment a -> applyFragment(s.byMember(a.member()), a);
            case Command.Evict e -> {
                SimWorker w = s.byMember(e.member());
                if (w != null) retire(w);
            }
            case Command.Reject r -> {
                // θ is unchanged; the coordinator's policy hands the worker new work.
            }
            case Command.Unapplied u -> {
                // Settled with the worker where its message was delivered (settle()).
            }
            case Command.SetTimer t -> {
                long seq = s.timers.merge(t.key(), 1L, Long::sum);
                s.queue.at(Math.max(t.at(), now()), new SimEvent.TimerFires(t.key(), seq));
            }
            case Command.Stop st -> stop(st.reason());
        }
    }

    private void observe(Metric m) {
        sink.emit(m);
        if (m instanceof Metric.OuterStep o) {
            for (long st : o.staleness()) s.staleness.merge(st, 1L, Long::sum);
            if (evaluator != null && sim.evalEveryTokens() > 0 && o.tokens() >= s.nextEvalTokens) {
                while (s.nextEvalTokens <= o.tokens()) s.nextEvalTokens += sim.evalEveryTokens();
                evaluate(o.tokens());
            }
        }
    }

    private EvalResult evaluate(long tokens) {
        if (evaluator == null || s.coordinator.theta() == null) return null;
        EvalResult r = evaluator.evaluate(s.coordinator.theta());
        s.lastEval = r;
        s.lastEvalVersion = s.coordinator.version();
        sink.emit(new Metric.Eval(tokens, s.coordinator.version(), r.loss(), r.bitsPerByte(), s.coordinator.ledger().up(),
                s.coordinator.ledger().down(), now()));
        return r;
    }

    private void stop(String reason) {
        if (s.stopped) return;
        s.stopped = true;
        s.stopReason = reason;
        s.endTime = now();
        s.queue.clear();
    }

    // ---- membership and faults ----------------------------------------------------------------

    private void start(WorkerSpec spec, boolean keepState) {
        SimWorker w = s.workers.get(spec.name());
        if (w == null) {
            w = new SimWorker(spec, sim.seed() * 31 + (s.workerSeeds++));
            s.workers.put(spec.name(), w);
        } else if (w.alive) {
            throw new IllegalStateException("worker " + spec.name() + " starts while alive");
        }
        if (!keepState || w.replica == null) {
            if (w.replica != null) w.replica.close();
            InnerTrainer trainer = factory == null ? null
                    : s.ddp != null ? factory.create(spec, -1, s.ddp.size()) : factory.create(spec, spec.shard(), 1);
            w.replica = new Replica(trainer, spec.shard(), plan, cc.upCodec(), cc.errorFeedback());
        }
        w.spec = spec;
        w.alive = true;
        w.member = -1;
        w.accountedUntil = now();
        long shardTokens = spec.shard() >= 0 && spec.shard() < cc.shards().count() ? cc.shards().size(spec.shard()) : 0;
        s.queue.at(now() + spec.link().latencySeconds(), new SimEvent.ToCoordinator(
                new Event.Join(spec.name(), spec.shard(), shardTokens, now() + spec.link().latencySeconds()), spec.name(), w.incarnation));
    }

    private void fault(Fault f) {
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

    private void partitionLost(SimWorker w, double until) {
        if (!w.alive) return;
        int member = w.member;
        retire(w);
        deliver(new Event.Lost(member, "no heartbeat for " + sim.sessionTimeout() + " s (partitioned)", now()));
        // The process kept running: when its link is back it rejoins with its local state.
        s.queue.at(until, new SimEvent.Start(w.spec, true));
    }

    private SimWorker live(String name, Fault f) {
        SimWorker w = s.workers.get(name);
        if (w == null) throw new IllegalArgumentException("fault at " + f.at() + " names unknown worker '" + name + "'");
        return w.alive ? w : null;
    }

    private void retire(SimWorker w) {
        if (!w.alive) return;
        account(w, Segment.Kind.IDLE, Math.max(now(), w.accountedUntil));
        w.alive = false;
        w.incarnation++;
        // Its messages still in flight are dropped on arrival (older incarnation): none reaches θ.
        if (w.replica != null) w.replica.settleAllLost();
        s.byMember.remove(w.member);
        w.pendingMerges.clear();
        w.inbox.clear();
        w.blockedOn = -1;
    }

    // ---- workers ------------------------------------------------------------------------------

    /** θ as the worker decodes it: the snapshot itself unless it travels through a lossy codec. */
    private float[] received(Snapshot snap) {
        if (snap.phantom()) return null;
        if (downCodec.name().equals("fp32")) return snap.values();
        if (snap != lastSnapshot) {
            lastSnapshot = snap;
            lastReceived = downCodec.decode(downCodec.encode(snap.values()), snap.size());
        }
        return lastReceived;
    }

    /** Occupies the downlink with {@code bytes}; returns the arrival time. */
    private double download(SimWorker w, long bytes) {
        double start = w.linkUpAt(Math.max(now(), w.downFreeAt));
        double busy = w.spec.link().downSeconds(bytes);
        w.downFreeAt = start + busy;
        w.bytesDown += bytes;
        return start + busy + w.spec.link().latencySeconds();
    }

    private double upload(SimWorker w, long bytes) {
        double start = w.linkUpAt(Math.max(now(), w.upFreeAt));
        double busy = w.spec.link().upSeconds(bytes);
        w.upFreeAt = start + busy;
        w.bytesUp += bytes;
        return start + busy + w.spec.link().latencySeconds();
    }

    private void train(SimWorker w, Command.Train t) {
        if (w == null || !w.alive) return;
        account(w, Segment.Kind.IDLE, now());
        double arrive = s.ddp != null ? now() : download(w, downCodec.encodedSize(size));
        s.queue.at(arrive, new SimEvent.TrainArrives(w.name(), w.incarnation, t));
    }

    private void trainArrived(SimWorker w, Command.Train t) {
        account(w, Segment.Kind.COMMUNICATE, now());
        w.replica.start(t, received(t.theta()));
        if (t.openEnded()) {
            w.step = phase.startStep(t.rounds());
            w.pendingMerges.clear();
            w.inbox.clear();
            w.lastSentStep = -1;
            streamingLoop(w);
            return;
        }
        double start = now();
        double seconds = s.ddp != null ? s.ddp.run(t.steps(), start, s.timeline) : w.spec.device().duration(t.steps(), start, w.rng);
        long t0 = System.nanoTime();
        TrainReport r = w.replica.train(t.steps());
        recordTraining(w, r, (System.nanoTime() - t0) / 1e9, start + seconds);
        if (s.ddp == null) account(w, Segment.Kind.COMPUTE, start + seconds);
        else w.accountedUntil = start + seconds;
        s.queue.at(start + seconds, new SimEvent.ComputeDone(w.name(), w.incarnation, t, r.steps(), r.tokens(), seconds));
    }

    private void computeDone(SimWorker w, SimEvent.ComputeDone cd) {
        double arrive = sendDelta(w, 0, (payload, at) -> new Event.Delta(w.member, w.generation, cd.train().version(), 0,
                cd.steps(), cd.tokens(), cd.seconds(), payload, at));
        if (s.ddp == null) account(w, Segment.Kind.COMMUNICATE, arrive);
    }

    /**
     * Sends fragment {@code p}'s pseudo-gradient (the event {@code delta} makes of the payload and
     * its arrival time), lost in transit with the link's drop probability; or, if the worker
     * withholds it (diverged), the notice that it has nothing. Returns the arrival time.
     */
    private double sendDelta(SimWorker w, int p, java.util.function.BiFunction<Payload, Double, Event.Delta> delta) {
        return switch (w.replica.delta(p)) {
            case Outgoing.Send(Payload payload) -> {
                double arrive = s.ddp != null ? now() : upload(w, payload.size());
                sendToCoordinator(w, arrive, lost(w)
                        ? new Event.Idle(w.member, w.generation, p, "pseudo-gradient lost in transit", arrive)
                        : delta.apply(payload, arrive));
                yield arrive;
            }
            case Outgoing.Withheld(String reason) -> {
                double at = now() + (s.ddp != null ? 0 : w.spec.link().latencySeconds());
                sendToCoordinator(w, at, new Event.Idle(w.member, w.generation, p, reason, at));
                yield at;
            }
        };
    }

    private boolean lost(SimWorker w) {
        return s.ddp == null && w.spec.link().dropProbability() > 0 && w.rng.nextDouble() < w.spec.link().dropProbability();
    }

    private void sendToCoordinator(SimWorker w, double at, Event e) {
        s.queue.at(at, new SimEvent.ToCoordinator(e, w.name(), w.incarnation));
    }

    /**
     * Counts a worker's training and samples its loss. {@code realSeconds} is the wall time the
     * steps took on this host (the throughput the sample reports); {@code end} is simulated time.
     */
    private void recordTraining(SimWorker w, TrainReport r, double realSeconds, double end) {
        w.steps += r.steps();
        w.tokens += r.tokens();
        if (r.steps() > 0 && !w.replica.phantom()) {
            TrainTally t = TrainTally.of(r, realSeconds);
            sink.emit(new Metric.TrainLoss(w.name(), w.steps, t.meanLoss(), t.lastLr(), t.meanGradNorm(), t.tokensPerSecond(), end));
        }
    }

    // ---- streaming ----------------------------------------------------------------------------

    /** Advances a streaming worker from a step boundary: send, merge (maybe block), then compute to the next boundary. */
    private void streamingLoop(SimWorker w) {
        double now = now();
        int p = phase.fragmentSentAfter(w.step);
        if (p >= 0 && w.lastSentStep != w.step) {
            w.lastSentStep = w.step;
            sendDelta(w, p, (payload, at) -> new Event.Delta(w.member, w.generation, w.replica.round(p), p, w.unreportedSteps,
                    w.unreportedTokens, w.unreportedCompute, payload, at));
            w.unreportedSteps = 0;
            w.unreportedTokens = 0;
            w.unreportedCompute = 0;
            w.pendingMerges.add(new long[] {p, w.step + cc.overlap()});
        }
        while (!w.pendingMerges.isEmpty() && w.pendingMerges.peek()[1] == w.step) {
            int f = (int) w.pendingMerges.peek()[0];
            SimWorker.Arrival a = pollArrival(w, f);
            if (a == null) {
                w.blockedOn = f;
                w.blockedSince = now;
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
        long next = phase.nextSendAfter(w.step);
        if (!w.pendingMerges.isEmpty()) next = Math.min(next, w.pendingMerges.peek()[1]);
        int n = (int) (next - w.step);
        double seconds = w.spec.device().duration(n, now, w.rng);
        long t0 = System.nanoTime();
        TrainReport r = w.replica.train(n);
        double real = (System.nanoTime() - t0) / 1e9;
        w.step = next;
        w.unreportedSteps += n;
        w.unreportedTokens += r.tokens();
        w.unreportedCompute += seconds;
        account(w, Segment.Kind.COMPUTE, now + seconds);
        recordTraining(w, r, real, now + seconds);
        s.queue.at(now + seconds, new SimEvent.StreamStep(w.name(), w.incarnation));
    }

    private static boolean expectsMerge(SimWorker w, int f) {
        for (long[] m : w.pendingMerges) if (m[0] == f) return true;
        return false;
    }

    private static SimWorker.Arrival pollArrival(SimWorker w, int f) {
        var box = w.inbox.get(f);
        return box == null ? null : box.poll();
    }

    private void applyFragment(SimWorker w, Command.ApplyFragment a) {
        if (w == null || !w.alive) return;
        long bytes = downCodec.encodedSize(a.values().size());
        double arrive = download(w, bytes);
        s.queue.at(arrive, new SimEvent.FragmentArrives(w.name(), w.incarnation, a, w.spec.link().downSeconds(bytes)));
    }

    private void fragmentArrived(SimWorker w, SimEvent.FragmentArrives fa) {
        Command.ApplyFragment a = fa.fragment();
        w.inbox.computeIfAbsent(a.fragment(), k -> new java.util.ArrayDeque<>())
                .add(new SimWorker.Arrival(a, received(a.values()), now()));
        if (w.blockedOn == a.fragment()) {
            // Blocked time: its own transfers (upload still in flight, then this download) count as
            // communication, the rest was waiting for the other workers.
            double blocked = now() - w.blockedSince;
            double comm = Math.min(blocked, fa.transferSeconds() + w.spec.link().latencySeconds()
                    + Math.max(0, w.upFreeAt - w.blockedSince));
            account(w, Segment.Kind.IDLE, now() - comm);
            account(w, Segment.Kind.COMMUNICATE, now());
            w.blockedOn = -1;
            streamingLoop(w);
        }
    }

    // ---- accounting ---------------------------------------------------------------------------

    /** Records that worker {@code w} spent [accountedUntil, until) doing {@code kind}. */
    private void account(SimWorker w, Segment.Kind kind, double until) {
        if (until <= w.accountedUntil) return;
        if (s.ddp == null) s.timeline.add(new Segment(w.name(), kind, w.accountedUntil, until));
        w.accountedUntil = until;
    }

    private void reattachTrainers() {
        for (SimWorker w : s.workers.values()) {
            if (w.replica == null || w.replica.phantom()) continue;
            InnerTrainer t = s.ddp != null ? factory.create(w.spec, -1, s.ddp.size()) : factory.create(w.spec, w.spec.shard(), 1);
            w.replica.attach(t);
        }
    }

    private SimResult result(EvalResult last) {
        List<WorkerStats> stats = new ArrayList<>();
        if (s.ddp != null) {
            DdpGroup ddp = s.ddp;
            int k = ddp.size();
            // Ring all-reduce: each device sends and receives 2(k−1)/k·4|θ| bytes per step, split here
            // half as "up" and half as "down" like the coordinator's ledger.
            long perDevice = (long) ((k - 1) * 4.0 * size / k * ddp.steps);
            SimWorker g = s.workers.get("ddp");
            for (int i = 0; i < k; i++) {
                stats.add(new WorkerStats(ddp.device(i).name(), ddp.compute[i], ddp.communicate[i], ddp.idle[i],
                        ddp.steps, g == null ? 0 : g.tokens / k, perDevice, perDevice));
            }
        } else {
            for (SimWorker w : s.workers.values()) if (w.alive) account(w, Segment.Kind.IDLE, s.endTime);
            // Work already under way when the run stopped was accounted to its end; the run's time
            // ends at the stop, so segments are clipped there and the totals taken from them.
            List<Segment> clipped = new ArrayList<>();
            java.util.Map<String, double[]> totals = new java.util.HashMap<>();
            for (Segment g : s.timeline) {
                if (g.start() >= s.endTime) continue;
                Segment c = g.end() > s.endTime ? new Segment(g.worker(), g.kind(), g.start(), s.endTime) : g;
                clipped.add(c);
                totals.computeIfAbsent(c.worker(), k -> new double[3])[c.kind().ordinal()] += c.seconds();
            }
            s.timeline.clear();
            s.timeline.addAll(clipped);
            for (SimWorker w : s.workers.values()) {
                double[] t = totals.getOrDefault(w.name(), new double[3]);
                stats.add(new WorkerStats(w.name(), t[0], t[1], t[2], w.steps, w.tokens, w.bytesUp, w.bytesDown));
            }
        }
        Coordinator c = s.coordinator;
        return new SimResult(s.endTime, c.outerSteps(), c.tokens(), c.ledger().up(), c.ledger().down(),
                new TreeMap<>(s.staleness), stats, List.copyOf(s.timeline), s.initialEval, last, s.stopReason);
    }
}
