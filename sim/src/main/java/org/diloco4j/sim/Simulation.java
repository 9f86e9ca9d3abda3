package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.params.Fp32Storage;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.core.train.Evaluator;
import org.diloco4j.core.worker.Replica;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The deterministic simulator: drives the {@link Coordinator} with a virtual clock, simulated
 * devices and links, and real inner training. Workers' compute runs one at a time in virtual-time
 * order, so real CPU is spent only on real inner steps whatever the simulated speeds; every byte
 * counted is the size of a real encoded message. Same seed and inputs ⇒ the same run, bit for bit,
 * including across a checkpoint and resume.
 *
 * <p>This class is the event loop and the coordinator's plumbing. The parts it drives, all
 * stateless or holding configuration only (what changes is in {@link SimState}): {@link
 * WorkerDriver} (the workers' side in virtual time) with its {@link Downlink}, {@link Lifecycle} (starts, faults, retirement),
 * {@link CostModel} (what time and bytes cost: {@link WorkerLinks} or {@link DdpCosts}), {@link
 * Timeline} (accounting) and {@link Evaluation}.
 */
public final class Simulation implements AutoCloseable {
    private final SimConfig sim;
    private final MetricSink sink;
    private final SimState s;
    private final CostModel costs;
    private final Timeline timeline;
    private final Evaluation evaluation;
    private final Lifecycle lifecycle;
    private final WorkerDriver workers;
    private Tap tap = Tap.NONE;

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
        // A run that trains holds θ and its replicas in float[]s; a phantom run only counts, so any size is simulated.
        if (factory != null) Fp32Storage.length(plan.totalSize(), "the model of a simulation that trains (a timing-only one has no such limit)");
        if (cc.method() == Method.DDP && !sim.faults().isEmpty()) {
            throw new IllegalArgumentException("faults are not simulated for the ddp baseline (it has no fault tolerance to measure)");
        }
        this.sim = sim;
        this.sink = sink;
        if (restored != null) {
            this.s = restored;
            s.coordinator.attach(this::observe);
        } else {
            DdpGroup ddp = cc.method() == Method.DDP ? new DdpGroup(sim.workers(), plan.totalSize(), sim.seed()) : null;
            this.s = new SimState(new Coordinator(cc, plan, theta0, this::observe), ddp, sim.evalEveryTokens());
        }
        this.costs = CostModel.of(cc.method(), sim, s, plan.totalSize());
        this.timeline = new Timeline(s, costs.workerSegments());
        this.evaluation = new Evaluation(s, evaluator, sim.evalEveryTokens(), sink);
        this.lifecycle = new Lifecycle(sim, cc, plan, factory, s, costs, timeline, this::deliver);
        this.workers = new WorkerDriver(new Downlink(Codecs.parse(cc.downCodec()), plan.totalSize()), sink, s, costs, timeline);
        if (restored != null) lifecycle.reattachTrainers();
    }

    /**
     * Continues a run from a checkpoint written by {@link #checkpoint}. The configuration, trainer
     * factory and evaluator must be the ones of the original run. The file stays open until the
     * workers' trainers have read their θ_i and moments from it.
     */
    public static Simulation resume(Path checkpoint, SimConfig sim, CoordinatorConfig cc, FragmentPlan plan,
                                    TrainerFactory factory, Evaluator evaluator, MetricSink sink) throws IOException {
        try (CheckpointFile.Reader r = SimCheckpoint.open(checkpoint)) {
            SimState.State saved = SimCheckpoint.state(r);
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
            try {
                return new Simulation(sim, cc, plan, factory, evaluator, sink, state, null);
            } catch (UncheckedIOException e) {
                throw new IOException("checkpoint: " + e.getCause().getMessage(), e.getCause());
            } catch (IllegalArgumentException e) {
                // A trainer's state that does not fit it (another model's sizes): the user's file, one line, not a trace.
                throw new IOException("checkpoint does not fit the run's trainers: " + e.getMessage(), e);
            }
        }
    }

    /** The global θ stored in a checkpoint (for sampling from or evaluating a saved run). */
    public static float[] readTheta(Path checkpoint) throws IOException {
        try (CheckpointFile.Reader r = SimCheckpoint.open(checkpoint)) {
            float[] theta = SimCheckpoint.state(r).coordinator().savedTheta();
            if (theta == null) throw new IOException("the checkpoint is of a timing-only run: it has no parameters");
            return theta;
        }
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
        return result(evaluation.last());
    }

    /**
     * Writes the whole simulation state to {@code file}, atomically (call between events, e.g. when
     * {@link #run(BooleanSupplier)} paused): streamed from the live state, without copying it.
     */
    public void checkpoint(Path file) throws IOException {
        SimCheckpoint.write(s, file);
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
        s.initialEval = evaluation.evaluate(0);
        for (WorkerSpec w : costs.initialWorkers()) s.queue.at(0, new SimEvent.Start(w, false));
        for (Fault f : sim.faults()) s.queue.at(f.at(), new SimEvent.FaultFires(f));
        if (sim.maxSeconds() > 0) s.queue.at(sim.maxSeconds(), new SimEvent.TimeLimit(sim.maxSeconds()));
    }

    private void dispatch(SimEvent e) {
        switch (e) {
            case SimEvent.Start st -> lifecycle.start(st.worker(), st.keepState());
            case SimEvent.ToCoordinator tc -> {
                SimWorker w = tc.worker() == null ? null : s.workers.get(tc.worker());
                if (tc.worker() == null) deliver(tc.event());
                else if (w != null && w.incarnation == tc.incarnation()) settle(w, tc.event(), deliver(tc.event()));
            }
            case SimEvent.TrainArrives ta -> ifCurrent(ta.worker(), ta.incarnation(), w -> workers.trainArrived(w, ta.train()));
            case SimEvent.ComputeDone cd -> ifCurrent(cd.worker(), cd.incarnation(), w -> workers.computeDone(w, cd));
            case SimEvent.StreamStep ss -> ifCurrent(ss.worker(), ss.incarnation(), workers::stepBoundary);
            case SimEvent.FragmentArrives fa -> ifCurrent(fa.worker(), fa.incarnation(), w -> workers.fragmentArrived(w, fa));
            case SimEvent.TimerFires tf -> {
                if (s.timers.get(tf.key()) == tf.seq()) deliver(new Event.Timer(tf.key(), now()));
            }
            case SimEvent.FaultFires ff -> lifecycle.fault(ff.fault());
            case SimEvent.PartitionTimeout pt -> ifCurrent(pt.worker(), pt.incarnation(), w -> lifecycle.partitionLost(w, pt.until()));
            case SimEvent.TimeLimit tl -> stop("time limit of " + tl.seconds() + " simulated seconds");
        }
    }

    private void ifCurrent(String name, int incarnation, Consumer<SimWorker> action) {
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
            case Command.Train t -> workers.train(s.byMember(t.member()), t);
            case Command.ApplyFragment a -> workers.applyFragment(s.byMember(a.member()), a);
            case Command.Evict e -> {
                SimWorker w = s.byMember(e.member());
                if (w != null) lifecycle.retire(w);
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
            evaluation.outerStep(o.tokens());
        }
    }

    private void stop(String reason) {
        if (s.stopped) return;
        s.stopped = true;
        s.stopReason = reason;
        s.endTime = now();
        s.queue.clear();
    }

    private SimResult result(EvalResult last) {
        List<RunResult.Worker> stats = costs.stats(timeline);
        Coordinator c = s.coordinator;
        return new SimResult(s.endTime, c.outerSteps(), c.tokens(), c.ledger().up(), c.ledger().down(),
                new TreeMap<>(s.staleness), stats, List.copyOf(s.timeline), s.initialEval, last, s.stopReason);
    }
}
