package org.diloco4j.core.coord;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.stream.StreamingSchedule;
import org.diloco4j.core.worker.StreamingWorker;
import org.diloco4j.core.worker.StreamingWorker.Action;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A streaming run as the coordinator sees it, on a virtual clock: the real {@link Coordinator} and
 * workers that follow the real {@link StreamingWorker} schedule (send, wait for the values, merge,
 * train), with every message delayed by a seeded random amount. It can crash and restart the
 * coordinator from its {@link Coordinator#state()} and let the workers rejoin one by one, the way
 * the network runtime does. A run {@linkplain #stalled() stalls} when nothing is left to happen
 * (every worker waits for a fragment nobody will send) before the run stops.
 */
final class StreamingModel {
    static final int N = 8;
    static final int H = 10;
    static final int TOKENS_PER_STEP = 16;
    static final FragmentPlan PLAN = plan(2);

    /** θ of {@link #N} floats cut into {@code p} equal fragments ({@code p} divides N). */
    static FragmentPlan plan(int p) {
        List<Fragment> fragments = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int f = 0; f < p; f++) {
            fragments.add(new Fragment(f, List.of(new Range(f * (N / p), N / p))));
            names.add("f" + f);
        }
        return new FragmentPlan(fragments, names, N);
    }

    /** A worker process: its schedule and what its replica holds; it survives coordinator restarts and rejoins as a new member. */
    final class Worker {
        final String name;
        int member = -1;
        long generation;
        final StreamingWorker<Command.ApplyFragment> schedule;
        final long[] rounds = new long[plan.count()];
        final long[] slots = new long[plan.count()];
        int unreported;
        boolean waiting;
        /** When the last message each way arrives: each direction is one ordered stream, as in the network runtime. */
        double upFree, downFree;
        /** Bumped at every (re)start: events of an earlier membership are ignored. */
        int epoch;
        /** Seconds per inner step of this worker (before the random jitter). */
        double stepSeconds = StreamingModel.this.stepSeconds;

        Worker(String name, StreamingSchedule s) {
            this.name = name;
            this.schedule = new StreamingWorker<>(s);
        }

        void start(Command.Train t) {
            epoch++;
            for (int p = 0; p < rounds.length; p++) {
                rounds[p] = t.rounds()[p];
                slots[p] = t.assignment() + p;
            }
            schedule.start(t.rounds());
            unreported = 0;
            waiting = false;
            boundary();
        }

        void arrived(Command.ApplyFragment a) {
            if (schedule.arrived(a.fragment(), a) && waiting) {
                waiting = false;
                boundary();
            }
        }

        private void boundary() {
            while (true) {
                switch (schedule.next()) {
                    case Action.Send<Command.ApplyFragment>(int p) -> {
                        Event.Delta d = new Event.Delta(member, generation, slots[p], rounds[p], p, unreported, (long) unreported * TOKENS_PER_STEP,
                                0, zeros(p), 0);
                        unreported = 0;
                        toCoordinator(this, d);
                    }
                    case Action.Merge<Command.ApplyFragment>(int f, Command.ApplyFragment a) -> {
                        rounds[f] = a.round();
                        slots[f] = a.assignment();
                    }
                    case Action.Wait<Command.ApplyFragment> w -> {
                        waiting = true;
                        return;
                    }
                    case Action.Train<Command.ApplyFragment>(int n) -> {
                        int e = epoch;
                        at(now + n * this.stepSeconds * (0.5 + random.nextDouble()), () -> {
                            if (e != epoch) return;
                            schedule.stepsDone(n);
                            unreported += n;
                            boundary();
                        });
                        return;
                    }
                }
            }
        }

        /** The session broke (coordinator crash): the assignment ends; the process will join again. */
        void disconnect() {
            epoch++;
            schedule.stop();
            member = -1;
        }
    }

    private record Timed(double time, long seq, Runnable what) {
    }

    final CoordinatorConfig cfg;
    final FragmentPlan plan;
    final SplittableRandom random;
    final double maxDelay;
    final double stepSeconds;
    final List<Metric> metrics = new ArrayList<>();
    final List<Worker> workers = new ArrayList<>();
    private final Map<String, Worker> byName = new HashMap<>();
    private final PriorityQueue<Timed> queue = new PriorityQueue<>((a, b) -> a.time != b.time ? Double.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long seq;
    /** Bumped at every coordinator restart: messages to or from the crashed one are lost. */
    private int incarnation;
    Coordinator coordinator;
    double now;

    StreamingModel(CoordinatorConfig cfg, int workers, long seed, double maxDelay, double stepSeconds) {
        this(cfg, PLAN, workers, seed, maxDelay, stepSeconds);
    }

    /** {@code cfg}'s H must be a multiple of {@code plan}'s fragment count. */
    StreamingModel(CoordinatorConfig cfg, FragmentPlan plan, int workers, long seed, double maxDelay, double stepSeconds) {
        this.cfg = cfg;
        this.plan = plan;
        this.random = new SplittableRandom(seed);
        this.maxDelay = maxDelay;
        this.stepSeconds = stepSeconds;
        this.coordinator = new Coordinator(cfg, plan, new float[N], metrics::add);
        StreamingSchedule s = new StreamingSchedule(cfg.innerSteps(), plan.count(), cfg.overlap());
        for (int i = 0; i < workers; i++) {
            Worker w = new Worker("w" + i, s);
            this.workers.add(w);
            byName.put(w.name, w);
        }
    }

    static CoordinatorConfig.Builder config() {
        return CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(H).overlap(1).mergeAlpha(0.5).minWorkers(3)
                .tokensPerStep(TOKENS_PER_STEP);
    }

    private Payload zeros(int p) {
        return new Payload.Bytes("fp32", Codecs.parse("fp32").encode(new float[plan.fragment(p).arraySize()]));
    }

    void at(double time, Runnable r) {
        queue.add(new Timed(time, seq++, r));
    }

    private double delay() {
        return random.nextDouble() * maxDelay;
    }

    /** Worker {@code w} asks to join at {@code time}. */
    void join(Worker w, double time) {
        int inc = incarnation;
        at(time, () -> {
            if (inc == incarnation) handle(new Event.Join(w.name, -1, 0, now));
        });
    }

    private void toCoordinator(Worker w, Event e) {
        int inc = incarnation;
        int epoch = w.epoch;
        w.upFree = Math.max(w.upFree, now + delay());
        at(w.upFree, () -> {
            if (inc == incarnation && epoch == w.epoch) handle(e instanceof Event.Delta d ? withTime(d) : e);
        });
    }

    private Event.Delta withTime(Event.Delta d) {
        return new Event.Delta(d.member(), d.generation(), d.assignment(), d.baseVersion(), d.fragment(), d.steps(), d.tokens(),
                d.computeSeconds(), d.payload(), now);
    }

    /** An order to a member, delivered in order after the ones before it, if the member is still the worker's current one. */
    private void toWorker(int member, java.util.function.Consumer<Worker> what) {
        Worker w = worker(member);
        if (w == null) return;
        int inc = incarnation;
        w.downFree = Math.max(w.downFree, now + delay());
        at(w.downFree, () -> {
            if (inc == incarnation && w.member == member) what.accept(w);
        });
    }

    private Worker worker(int member) {
        for (Worker w : workers) if (w.member == member) return w;
        return null;
    }

    private void handle(Event e) {
        for (Command cmd : coordinator.handle(e)) {
            int inc = incarnation;
            switch (cmd) {
                case Command.Welcome wel -> {
                    Worker w = byName.get(wel.name());
                    w.member = wel.member();
                    w.generation = wel.generation();
                }
                case Command.Train t -> toWorker(t.member(), w -> w.start(t));
                case Command.ApplyFragment a -> toWorker(a.member(), w -> w.arrived(a));
                case Command.SetTimer t -> at(t.at(), () -> {
                    if (inc == incarnation) handle(new Event.Timer(t.key(), now));
                });
                default -> {
                }
            }
        }
    }

    /**
     * The coordinator crashes and starts again from {@code saved} (a checkpoint taken earlier): the
     * members it held are lost, as the network runtime declares them (their processes come back as
     * new members), and the workers rejoin at the given times.
     */
    void restart(Coordinator.State saved, double[] rejoinAt) {
        incarnation++;
        coordinator = Coordinator.restore(cfg, plan, saved, metrics::add);
        for (Worker w : workers) w.disconnect();
        for (int id : coordinator.memberIds()) handle(new Event.Lost(id, "coordinator restarted", now));
        for (int i = 0; i < workers.size(); i++) join(workers.get(i), rejoinAt[i]);
    }

    /** Runs events until the run stops, {@code until} returns true, or nothing is left to happen. */
    void run(java.util.function.BooleanSupplier until) {
        while (!coordinator.stopped() && !until.getAsBoolean() && !queue.isEmpty()) {
            Timed t = queue.poll();
            now = t.time;
            t.what.run();
        }
    }

    /** Nothing is left to happen and the run has not stopped. */
    boolean stalled() {
        return queue.isEmpty() && !coordinator.stopped();
    }

    List<String> decisions() {
        List<String> out = new ArrayList<>();
        for (Metric m : metrics) {
            if (m instanceof Metric.Decision d) out.add(String.format(java.util.Locale.ROOT, "%.2f %s %s %s", d.time(), d.kind(), d.cause() == null ? "" : d.cause(), d.reason()));
            if (m instanceof Metric.OuterStep s) out.add(String.format(java.util.Locale.ROOT, "%.2f STEP %d fragment %d by %s", s.time(), s.step(), s.fragment(), s.contributors()));
        }
        return out;
    }
}
