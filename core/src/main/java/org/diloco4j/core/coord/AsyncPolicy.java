package org.diloco4j.core.coord;

import org.diloco4j.core.agg.Contribution;
import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.agg.WeightDecision;
import org.diloco4j.core.dylu.DyluPlanner;
import org.diloco4j.core.dylu.SpeedConfig;
import org.diloco4j.core.dylu.WorkerSpeeds;
import org.diloco4j.core.ingest.IngestPool;
import org.diloco4j.core.ingest.StreamedDelta;
import org.diloco4j.core.params.VectorOps;
import org.diloco4j.core.train.GlobalProgress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Asynchronous DiLoCo: each pseudo-gradient is applied when it arrives (naive Nesterov, or Delayed
 * Nesterov when the outer optimizer is configured so), weighted or dropped by staleness, and the
 * worker is handed the current θ at once — fast workers never wait for slow ones. Options:
 * Dynamic Local Updates (steps proportional to measured speed) and a grace period (workers that
 * finish within {@code grace} seconds of the first are synced together and restart from one θ).
 * With {@link BufferClose#WINDOW} the grace window also closes Delayed Nesterov's buffer: the
 * window's pseudo-gradients are summed and applied as one step when it ends, and (with
 * {@link CoordinatorConfig#realign()}) a worker that restarts out of phase with the others is given the
 * steps that bring it back into their next window.
 */
final class AsyncPolicy extends Policy {
    private final WorkerSpeeds speeds = new WorkerSpeeds(SpeedConfig.defaults());
    private final DyluPlanner planner;
    private final List<Member> held = new ArrayList<>();
    /** Free members with no work because the token budget is handed out in full (woken if some comes back). */
    private final List<Member> parked = new ArrayList<>();
    private boolean graceOpen;
    private long graceWindows;
    /** {@link BufferClose#WINDOW}: Σ factor·g of the open window (null until needed, and in phantom runs) and who is in it. */
    private float[] windowSum;
    private final List<Integer> windowMembers = new ArrayList<>();
    private final List<Long> windowStaleness = new ArrayList<>();
    private final List<Double> windowFactors = new ArrayList<>();
    private boolean started;

    AsyncPolicy(Coordinator c) {
        super(c);
        this.planner = new DyluPlanner(cfg.innerSteps(), cfg.minInnerSteps());
    }

    record State(ShardChooser.State shards, WorkerSpeeds.State speeds, List<Integer> held, List<Integer> parked, boolean graceOpen,
                 long graceWindows, float[] windowSum, List<Integer> windowMembers, List<Long> windowStaleness, List<Double> windowFactors,
                 boolean started) implements Policy.State {
    }

    @Override
    State state() {
        return new State(shards.state(), speeds.state(), ids(held), ids(parked), graceOpen, graceWindows,
                windowSum == null ? null : windowSum.clone(), List.copyOf(windowMembers), List.copyOf(windowStaleness),
                List.copyOf(windowFactors), started);
    }

    private static List<Integer> ids(List<Member> members) {
        List<Integer> out = new ArrayList<>();
        for (Member m : members) out.add(m.id);
        return out;
    }

    @Override
    void restore(Policy.State saved) {
        State s = (State) saved;
        shards.restore(s.shards());
        speeds.restore(s.speeds());
        held.clear();
        for (int id : s.held()) held.add(member(id));
        parked.clear();
        for (int id : s.parked()) parked.add(member(id));
        graceOpen = s.graceOpen();
        graceWindows = s.graceWindows();
        windowSum = s.windowSum() == null ? null : s.windowSum().clone();
        windowMembers.clear();
        windowMembers.addAll(s.windowMembers());
        windowStaleness.clear();
        windowStaleness.addAll(s.windowStaleness());
        windowFactors.clear();
        windowFactors.addAll(s.windowFactors());
        started = s.started();
    }

    private Member member(int id) {
        Member m = c.members().get(id);
        if (m == null) throw new IllegalArgumentException("checkpoint holds member " + id + " back, but has no such member");
        return m;
    }

    @Override
    void onJoin(Member m) {
        int alive = c.members().size();
        if (!started && alive < cfg.minWorkers()) {
            c.decide(DecisionKind.WAIT, m.id, "waiting for " + cfg.minWorkers() + " workers before starting (" + alive + " so far)");
            return;
        }
        // The first time the minimum is reached, everyone waiting starts from the same θ.
        started = true;
        Snapshot snap = c.outer().snapshot();
        List<Member> waiting = c.members().inState(Member.State.WAITING);
        for (Member w : waiting) assign(w, snap, waiting.size());
    }

    /** Hands {@code m} work; {@code group} members (m among them) restart together now. */
    private void assign(Member m, Snapshot shared, int group) {
        int steps = c.budgetedSteps(m, plannedSteps(m, group));
        if (steps == 0) {
            // Others are training the rest of the budget; if their work is lost, this member gets it.
            m.state = Member.State.WAITING;
            parked.add(m);
            return;
        }
        Snapshot snap = shared != null ? shared : c.outer().snapshot();
        c.train(m, steps, shards.choose(m, m.ownShard, steps), snap);
    }

    /** Work handed out was lost (dropped, rejected, its worker gone): parked members may take it up. */
    private void unpark() {
        List<Member> waiting = new ArrayList<>(parked);
        parked.clear();
        for (Member m : waiting) assign(m, null, 1);
    }

    /**
     * The run's clock for an asynchronous worker: tokens applied plus what the other workers have
     * trained of their assignments so far (elapsed time × their measured speed, at most what they
     * were given), advancing at Σ speeds / own speed run tokens per own token. Members not measured
     * yet count at the mean measured speed; before any measurement, all speeds count as equal.
     */
    @Override
    GlobalProgress progress(Member m) {
        double known = 0;
        int measured = 0;
        for (Member o : c.members().all()) {
            OptionalDouble v = speeds.speed(o.id);
            if (v.isPresent()) {
                known += v.getAsDouble();
                measured++;
            }
        }
        double mean = measured > 0 ? known / measured : 0;
        double total = 0;
        double inFlight = 0;
        for (Member o : c.members().all()) {
            double v = speeds.speed(o.id).orElse(mean);
            total += v;
            if (o != m && o.state == Member.State.TRAINING) {
                inFlight += Math.min(o.assignedSteps, v * Math.max(0, c.now() - o.assignedAt)) * c.tokensPerStep();
            }
        }
        double own = speeds.speed(m.id).orElse(mean);
        double rate = own > 0 ? total / own : c.members().size();
        return new GlobalProgress(c.tokens() + inFlight, Math.max(1, rate));
    }

    private int plannedSteps(Member m, int group) {
        if (!cfg.dylu()) return cfg.innerSteps();
        List<Integer> active = new ArrayList<>();
        for (Member o : c.members().all()) active.add(o.id);
        int planned = planner.stepsFor(m.id, active, speeds);
        return cfg.realign() ? realigned(m, group, planned) : planned;
    }

    /**
     * DyLU makes every worker's assignment last about as long as the fastest worker's, but it says
     * nothing about when they start: a worker that missed a window (a slow patch, a late upload)
     * restarts alone and from then on finishes half a period away from the others, in windows of its
     * own — the staggered restarts the window exists to avoid (EXPERIMENTS.md: in one seed of three the
     * slowest worker ran out of phase for the rest of the run). So a group that restarts while a group
     * at least as large is still training is given the steps that land it in the middle of that
     * group's next window (which opens at its first expected arrival — start + steps / speed — and
     * stays open one grace period), or of the window after it (one grace period plus one fastest-worker
     * period later) if the next leaves less than half its planned steps. The other group keeps its
     * plan, so the phases meet within one assignment. Transfer times are left out of the estimate:
     * half a grace period either way absorbs them.
     */
    private int realigned(Member m, int group, int planned) {
        OptionalDouble own = speeds.speed(m.id);
        if (own.isEmpty()) return planned;
        double first = Double.POSITIVE_INFINITY;
        double vmax = own.getAsDouble();
        int training = 0;
        for (Member o : c.members().inState(Member.State.TRAINING)) {
            OptionalDouble v = speeds.speed(o.id);
            // Only workers that started earlier form the other phase; those restarting now are m's group.
            if (o == m || o.assignedAt >= c.now() || o.assignedSteps == Command.Train.OPEN_ENDED || v.isEmpty()) continue;
            first = Math.min(first, o.assignedAt + o.assignedSteps / v.getAsDouble());
            vmax = Math.max(vmax, v.getAsDouble());
            training++;
        }
        if (training == 0 || training < group) return planned;
        double grace = graceLength();
        double v = own.getAsDouble();
        double next = first + grace / 2;
        int steps = (int) Math.floor((next - c.now()) * v);
        if (steps < planned / 2.0) steps = (int) Math.floor((next + grace + cfg.innerSteps() / vmax - c.now()) * v);
        return Math.max(cfg.minInnerSteps(), Math.min(2 * planned, steps));
    }

    @Override
    Outcome onDelta(Member m, Event.Delta d, float[] g) {
        return arrive(m, d, g, null, Double.NaN);
    }

    @Override
    Outcome onStreamed(Member m, Event.Delta d, StreamedDelta g, double norm) {
        return arrive(m, d, null, g, norm);
    }

    /**
     * One arrival: {@code g} decoded whole (null in phantom runs), or {@code streamed}, left encoded
     * and applied block by block, of norm {@code streamedNorm} (never with the grace window's buffer,
     * which sums arrivals whole).
     */
    private Outcome arrive(Member m, Event.Delta d, float[] g, StreamedDelta streamed, double streamedNorm) {
        long staleness = c.outer().version - d.baseVersion();
        Contribution contribution = contribution(m, staleness);
        WeightDecision w = weights.weigh(contribution);
        if (!w.included()) {
            credit(m, d);
            c.drop(m.id, w.cause(), m + " " + w.reason());
            // Its tokens were counted: if they reached the budget, nothing else will end the run.
            if (c.maybeStop()) return Outcome.DROPPED;
            release(m);
            unpark();
            return Outcome.DROPPED;
        }
        // One arrival is applied alone, so only the staleness part of the weight matters: divide by
        // the weight the same contribution would have had fresh.
        double factor = w.weight() / weights.weigh(new Contribution(m.id, contribution.shardTokens(), 0)).weight();
        m.contributions++;
        if (cfg.bufferClose() == BufferClose.WINDOW) {
            credit(m, d);
            if (g != null) {
                if (windowSum == null) windowSum = new float[g.length];
                VectorOps.axpy((float) factor, g, windowSum);
            }
            windowMembers.add(m.id);
            windowStaleness.add(staleness);
            windowFactors.add(factor);
            // The budget's last tokens arrived: what the window holds is applied before the run stops.
            if (c.budgetReached()) {
                closeWindow();
                c.maybeStop();
                return Outcome.BUFFERED;
            }
            release(m);
            return Outcome.BUFFERED;
        }
        double norm = Double.NaN;
        boolean applied;
        if (streamed != null) {
            // The scaled vector's norm, summed by blocks as the checks summed it: from the scan's
            // histograms for int8, else one more pass on all cores; only for a scaled step.
            boolean scale = factor != 1.0;
            norm = scale ? streamed.scaledNorm((float) factor, IngestPool.shared()) : streamedNorm;
            applied = c.outer().applyStreamed(0, streamed, (float) factor, scale, norm, IngestPool.shared());
        } else {
            if (g != null) {
                if (factor != 1.0) VectorOps.scale((float) factor, g);
                norm = VectorOps.blockedNorm2(g); // a push norm: summed by blocks, as PushChecks sums it
            }
            applied = c.outer().apply(0, g, norm);
        }
        if (!applied) {
            m.contributions--;
            return new Outcome.Refused(Refusal.NON_FINITE,
                    String.format(Locale.ROOT, "pseudo-gradient (norm %.4g) would make θ non-finite; its outer step was undone", norm));
        }
        credit(m, d);
        c.outerStepDone(0, List.of(m.id), List.of(staleness), List.of(factor), norm);
        if (!c.maybeStop()) release(m);
        return Outcome.APPLIED;
    }

    /**
     * The push's tokens go to its data shard and its claimed speed to DyLU's estimates — only once it
     * is known not to be refused: a refused push is as if nothing arrived ({@link #onRejected} frees
     * its in-flight estimate). Nothing before the outer step reads either, so crediting it late
     * changes no decision.
     */
    private void credit(Member m, Event.Delta d) {
        shards.finished(m, d.tokens(), d.steps());
        if (d.steps() > 0 && d.computeSeconds() > 0) speeds.record(m.id, d.steps(), d.computeSeconds());
    }

    /** Applies the window's Σ factor·g / N as one outer step (a no-op for an empty window). */
    private void closeWindow() {
        if (windowMembers.isEmpty()) return;
        float[] step = null;
        double norm = Double.NaN;
        if (windowSum != null) {
            step = windowSum;
            VectorOps.scale(1f / cfg.outer().bufferSize(), step);
            norm = VectorOps.norm2(step);
            windowSum = null;
        }
        if (c.outer().apply(0, step, norm)) {
            c.outerStepDone(0, windowMembers, windowStaleness, windowFactors, norm);
        } else {
            String why = String.format(Locale.ROOT, "grace window %d: its sum (norm %.4g) would make θ non-finite; dropped", graceWindows, norm);
            for (int id : windowMembers) c.drop(id, DropCause.NON_FINITE, why);
        }
        windowMembers.clear();
        windowStaleness.clear();
        windowFactors.clear();
    }

    /** The member is free: hand it new work now, or hold it until the grace window closes. */
    private void release(Member m) {
        if (!cfg.grace()) {
            assign(m, null, 1);
            return;
        }
        m.state = Member.State.HELD;
        held.add(m);
        if (!graceOpen) {
            graceOpen = true;
            graceWindows++;
            double length = graceLength();
            // Before any speed is measured the window waits for everyone (it closes early when all are in).
            if (Double.isFinite(length)) c.timer("grace:" + graceWindows, c.now() + length);
        }
        closeIfNobodyTrains();
    }

    /** Seconds a grace window stays open: as configured, or a share of the fastest worker's assignment. */
    private double graceLength() {
        if (cfg.graceSeconds() > 0) return cfg.graceSeconds();
        double vmax = 0;
        for (Member o : c.members().all()) vmax = Math.max(vmax, speeds.speed(o.id).orElse(0));
        return vmax > 0 ? cfg.graceShare() * cfg.innerSteps() / vmax : Double.POSITIVE_INFINITY;
    }

    /** Nobody is still training: waiting longer cannot add to the open window, so it closes now. */
    private void closeIfNobodyTrains() {
        if (graceOpen && c.members().inState(Member.State.TRAINING).isEmpty()) onTimer("grace:" + graceWindows);
    }

    @Override
    void onIdle(Member m, int fragment) {
        shards.finished(m, 0, 0);
        release(m);
        unpark();
    }

    @Override
    void onRejected(Member m, int fragment) {
        onIdle(m, fragment);
    }

    @Override
    void onGone(Member m) {
        shards.finished(m, 0, 0);
        held.remove(m);
        parked.remove(m);
        speeds.forget(m.id);
        unpark();
        closeIfNobodyTrains();
    }

    @Override
    void onTimer(String key) {
        if (!key.equals("grace:" + graceWindows) || !graceOpen) return;
        graceOpen = false;
        if (cfg.bufferClose() == BufferClose.WINDOW) {
            closeWindow();
            if (c.maybeStop()) return;
        }
        Snapshot snap = c.outer().snapshot();
        List<Member> go = new ArrayList<>(held);
        held.clear();
        for (Member m : go) assign(m, snap, go.size());
    }
}
