package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.ThetaDownlink;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.train.GlobalProgress;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The training protocol as a pure state machine: events in, commands out. It owns θ, the outer
 * optimizer state, versions, membership and byte accounting, and knows nothing of clocks, threads
 * or sockets — the simulator and the network runtime both drive this same class.
 *
 * <p>Not thread-safe: a driver feeds it one event at a time.
 *
 * <p>Longer than the ~350 lines a class should have, on purpose: it is the one owner of θ's
 * version, membership, the byte ledger, token counts and the command list, and its helpers (train,
 * evict, drop, stop) are what the policies call back into; the parts that stand alone are already
 * out (the policies, {@link PushChecks}, {@link OuterState}, {@link Membership}, {@link Ledger}).
 */
public final class Coordinator {
    private final CoordinatorConfig cfg;
    /** θ's length: any long (θ is chunked, {@link OuterState}). */
    private final long size;
    private final Membership members = new Membership();
    private final OuterState outer;
    /** Buffers per value the outer optimizers hold: for {@link #arrayFloats()}. */
    private final int optimizerBuffers;
    private final Ledger ledger = new Ledger();
    private final Assignments assignments = new Assignments();
    private final Policy policy;
    private long tokens;
    /**
     * Tokens per inner step as the latest accepted push gave them; 0 until one arrives. Planning (the
     * budget trim, the shards' estimates) starts from the first accepted push, as every published run
     * was made: starting from the configured figure moves the first assignments' shard estimates and
     * with them every figure of the default run. When the configuration knows the figure
     * ({@link CoordinatorConfig#tokensPerStep()} &gt; 0) a push is checked against it before it gets
     * here ({@link AssignmentChecks}), so a member cannot teach a false one.
     */
    private double learnedTokensPerStep;
    private long outerSteps;
    private boolean stopped;
    private String stopReason;
    private double now;

    // Not part of the state: rebuilt from the config, or given again, after a checkpoint is read.
    private MetricSink sink;
    private final PushChecks checks;
    private final Codec downCodec;
    /** The last snapshot found sendable with the down codec: one check per snapshot, not per member. */
    private Snapshot checkedSnapshot;
    private List<Command> out;
    /** Member id → why its contribution was dropped, in the event being handled (for {@link Command.Unapplied}). */
    private java.util.Map<Integer, String> drops;


    /**
     * @param plan   the fragments θ is synchronised by (one covering everything unless streaming)
     * @param theta0 initial θ (copied); null for a phantom, timing-only run
     */
    public Coordinator(CoordinatorConfig cfg, FragmentPlan plan, float[] theta0, MetricSink sink) {
        this(cfg, plan, theta0, sink, false);
    }

    /**
     * A coordinator whose θ is {@code theta0} itself, not a copy: for a caller that made θ₀ for it
     * and does not use it again (a networked coordinator's start), so that a 1B-parameter θ is held
     * once and not twice. The caller must not read or change the array afterwards.
     */
    public static Coordinator adopting(CoordinatorConfig cfg, FragmentPlan plan, float[] theta0, MetricSink sink) {
        return new Coordinator(cfg, plan, theta0, sink, true);
    }

    /**
     * A coordinator whose θ is {@code theta0} itself, in its chunks (not copied): the form for a model
     * of any size, past the 2^31 − 9 values of one {@code float[]} ({@link Fp32Vector}). The caller
     * must not read or change the vector afterwards.
     */
    public static Coordinator adopting(CoordinatorConfig cfg, FragmentPlan plan, Fp32Vector theta0, MetricSink sink) {
        return new Coordinator(cfg, plan, sink, o -> new OuterState(theta0, plan, o), theta0);
    }

    /** @param adopt whether θ is {@code theta0} itself rather than a copy of it */
    private Coordinator(CoordinatorConfig cfg, FragmentPlan plan, float[] theta0, MetricSink sink, boolean adopt) {
        this(cfg, plan, sink, o -> new OuterState(theta0 == null ? null : Fp32Vector.wrap(adopt ? theta0 : theta0.clone()), plan, o),
                theta0 == null ? null : Fp32Vector.wrap(theta0));
    }

    /**
     * @param outerState θ and the outer optimizers, made for the optimizer configuration the coordinator uses
     * @param checked    θ₀ to check against the down codec; null: none (phantom runs, restores: the run had that θ)
     */
    private Coordinator(CoordinatorConfig cfg, FragmentPlan plan, MetricSink sink, java.util.function.Function<OuterOptimizerConfig, OuterState> outerState,
                        Fp32Vector checked) {
        this.cfg = cfg;
        this.size = plan.totalSize();
        this.sink = sink;
        if (cfg.method() != Method.STREAMING && plan.count() != 1) {
            throw new IllegalArgumentException("method " + cfg.method() + " synchronises the whole model: expected 1 fragment, got " + plan.count());
        }
        if (cfg.upCodec().length != 1 && cfg.upCodec().length != plan.count()) {
            throw new IllegalArgumentException("coordinator.codec lists " + cfg.upCodec().length + " codecs for " + plan.count() + " fragments");
        }
        // A window-closed Delayed Nesterov buffer is one Nesterov step on the window's Σ g / N (see BufferClose).
        OuterOptimizerConfig optimizer = cfg.bufferClose() == BufferClose.WINDOW
                ? OuterOptimizerConfig.nesterov(cfg.outer().lr(), cfg.outer().momentum()) : cfg.outer();
        this.outer = outerState.apply(optimizer);
        this.optimizerBuffers = optimizer.kind().buffers();
        this.checks = new PushChecks(cfg, outer);
        this.downCodec = ThetaDownlink.parse(cfg.downCodec());
        // StepGuard measured max |θ₀| while the state was built: θ₀ is scanned again only if that says it may not be sendable.
        if (checked != null && !ThetaDownlink.carries(downCodec, outer.thetaMax())) {
            String bad = ThetaDownlink.refusal(downCodec, checked);
            if (bad != null) throw new IllegalArgumentException("initial " + bad);
        }
        this.policy = switch (cfg.method()) {
            case DDP, DILOCO -> new SyncPolicy(this);
            case ASYNC, ASYNC_DN_DYLU -> new AsyncPolicy(this);
            case STREAMING -> new StreamingPolicy(this);
        };
    }

    /**
     * Everything the coordinator changes while it runs, for a checkpoint: θ and the outer optimizers,
     * membership, byte ledger, the policy's rounds and the assignments outstanding (null in a
     * checkpoint from before they were kept: none then). The configuration is not in it: a restore is
     * given the run's own again.
     */
    public record State(long tokens, double tokensPerStep, long outerSteps, boolean stopped, String stopReason, double now,
                        OuterState.State outer, Membership.State members, Ledger.State ledger, Policy.State policy,
                        NormBound.State norms, Assignments.State assignments) {
        /** The saved θ as one array (refused past one array's 2^31 − 9 values); null for a timing-only run. */
        public float[] savedTheta() {
            return outer.theta() == null ? null : outer.theta().array();
        }

        /** The saved θ in the chunks it was read into (any size); null for a timing-only run. */
        public Fp32Vector savedThetaVector() {
            return outer.theta();
        }

    }

    public State state() {
        return with(outer.state());
    }

    /**
     * An upper bound on the floats a checkpoint of the coordinator holds in θ-sized arrays, counted
     * without building a state (which copies them): θ, the outer optimizers' buffers, and the
     * policy's aggregate — at most one θ's worth (synchronous rounds' weighted mean, the
     * asynchronous window sum, streaming's per-fragment means). 0 for a timing-only run. For
     * deciding whether a copy of the state fits ({@code state()} copies all of them).
     */
    public long arrayFloats() {
        if (outer.theta() == null) return 0;
        return outer.theta().size() * (1 + optimizerBuffers + 1);
    }

    /**
     * {@link #state()} sharing θ and the outer optimizers' buffers rather than copying them (the rest
     * is copied as in {@link #state()}): for a checkpoint written out before the next event is
     * handled, when a copy of θ and the optimizer state would not fit in the heap.
     */
    public State view() {
        return with(outer.view());
    }

    private State with(OuterState.State o) {
        return new State(tokens, learnedTokensPerStep, outerSteps, stopped, stopReason, now, o, members.state(), ledger.state(),
                policy.state(), checks.bound().state(), assignments.state());
    }

    /** The coordinator {@link #state()} was taken of, for the same configuration and plan. */
    public static Coordinator restore(CoordinatorConfig cfg, FragmentPlan plan, State s, MetricSink sink) {
        // Built with a zero θ of the right size (which every down codec accepts), then overwritten:
        // its own array, so a restore holds θ once besides the state it is given.
        Coordinator c = s.outer().theta() == null ? adopting(cfg, plan, (float[]) null, sink) : adopting(cfg, plan, s.outer().theta().zerosLike(), sink);
        c.outer.restore(s.outer());
        return c.rest(s);
    }

    /**
     * {@link #restore}, but θ and the outer optimizers' buffers are {@code s}'s own arrays, not copies:
     * for a state just read from a checkpoint, which the caller does not use again (a restore would hold
     * the state and its copy: 6 × θ with Delayed Nesterov, 24 GB at 1B parameters). Continues the same.
     */
    public static Coordinator adopt(CoordinatorConfig cfg, FragmentPlan plan, State s, MetricSink sink) {
        return new Coordinator(cfg, plan, sink, o -> new OuterState(s.outer(), plan, o), null).rest(s);
    }

    /** The rest of {@code s} besides θ and the outer optimizers, restored into this new coordinator. */
    private Coordinator rest(State s) {
        members.restore(s.members());
        ledger.restore(s.ledger());
        policy.restore(s.policy());
        checks.bound().restore(s.norms());
        if (s.assignments() != null) assignments.restore(s.assignments());
        tokens = s.tokens();
        learnedTokensPerStep = s.tokensPerStep();
        outerSteps = s.outerSteps();
        stopped = s.stopped();
        stopReason = s.stopReason();
        now = s.now();
        return this;
    }

    /** Where metrics go from now on (after a coordinator was restored from a checkpoint). */
    public void attach(MetricSink sink) {
        this.sink = sink;
    }

    /** Handles one event and returns the commands it causes, in order. */
    public List<Command> handle(Event e) {
        out = new ArrayList<>();
        drops = new java.util.HashMap<>();
        now = e.time();
        if (stopped) {
            if (e instanceof Event.Join || e instanceof Event.Delta) out.add(new Command.Stop(stopReason));
            return out;
        }
        switch (e) {
            case Event.Join j -> join(j);
            case Event.Delta d -> delta(d);
            case Event.Idle i -> idle(i);
            case Event.Lost l -> gone(l.member(), DecisionKind.LOST, l.reason());
            case Event.Leave l -> gone(l.member(), DecisionKind.LEAVE, "left");
            case Event.Timer t -> policy.onTimer(t.key());
            case Event.Served s -> served(s);
        }
        return out;
    }

    private void join(Event.Join j) {
        if (j.shardTokens() < 0) {
            reject(-1, Refusal.BAD_SHARD, "join from '" + j.name() + "' with negative shard size " + j.shardTokens());
            return;
        }
        if (j.shard() >= 0 && cfg.shards().count() > 0 && j.shard() >= cfg.shards().count()) {
            reject(-1, Refusal.BAD_SHARD, "join from '" + j.name() + "' with shard " + j.shard() + "; the run has " + cfg.shards().count());
            return;
        }
        Member m = members.admit(j.name(), j.shard(), j.shardTokens(), now);
        out.add(new Command.Welcome(m.id, m.generation, m.name));
        decide(DecisionKind.JOIN, m.id, m + " joined (generation " + m.generation + ")");
        policy.onJoin(m);
    }

    private void delta(Event.Delta d) {
        Member m = members.get(d.member());
        if (m == null) {
            ledger.up(d.member(), d.payload().size());
            reject(d.member(), Refusal.NOT_A_MEMBER, "unknown or evicted member " + d.member());
            return;
        }
        if (cfg.method() != Method.DDP) ledger.up(m.id, d.payload().size());
        if (d.generation() != m.generation) {
            String why = "fenced: message from generation " + d.generation() + ", member is at generation " + m.generation;
            reject(m.id, Refusal.NOT_A_MEMBER, why);
            out.add(new Command.Unapplied(m.id, d.fragment(), d.baseVersion(), why));
            return;
        }
        // Only a push that answers an outstanding assignment reaches the checks and the policy: a
        // replay is refused without touching the member's real assignment, which is still under way.
        Assignments.Answer answer = assignments.answer(m.id, d.assignment(), d.fragment(), d.baseVersion());
        if (answer.assignment() == null) {
            m.rejected++;
            reject(m.id, Refusal.REPLAY, answer.replay());
            out.add(new Command.Unapplied(m.id, d.fragment(), d.baseVersion(), answer.replay()));
            return;
        }
        // A payload the coordinator cannot read from its own spool throws PayloadUnreadable here: nothing is
        // decided and the assignment stays open for the member's retry. Anything else closes it.
        PushChecks.Checked checked = checks.check(d, () -> AssignmentChecks.implausible(d, answer.assignment(), cfg, now));
        assignments.close(answer.assignment());
        PushChecks.Problem problem = checked.problem();
        float[] g = checked.values();
        if (problem != null) {
            refusePush(m, d, problem.code(), problem.detail());
            return;
        }
        // Saturating: without a known tokens-per-step figure a count is only known to be >= 0. What
        // the counts were is kept, not recomputed: a saturated total minus the push is not the total before it.
        Counts before = new Counts(m.tokens, m.steps, tokens, learnedTokensPerStep);
        m.tokens = saturated(m.tokens, d.tokens());
        m.steps = saturated(m.steps, d.steps());
        tokens = saturated(tokens, d.tokens());
        if (d.steps() > 0 && d.tokens() > 0) learnedTokensPerStep = (double) d.tokens() / d.steps();
        if (cfg.method() == Method.DDP) {
            // One ring all-reduce of fp32 gradients per step over k workers; counted half as up, half as down.
            long perStep = new RingAllReduce(cfg.ddpWorkers(), size).networkBytes() / 2;
            ledger.up(m.id, perStep * d.steps());
            ledger.down(m.id, perStep * d.steps());
        }
        Outcome outcome = checked.streamed() != null ? policy.onStreamed(m, d, checked.streamed(), checked.norm()) : policy.onDelta(m, d, g);
        if (outcome instanceof Outcome.Refused r) {
            refuse(m, d, before, r);
            return;
        }
        checks.accepted(d.fragment(), checked.norm());
        if (!outcome.reaches()) {
            out.add(new Command.Unapplied(m.id, d.fragment(), d.baseVersion(), drops.getOrDefault(m.id, "not applied")));
        }
    }

    /**
     * A member's token and step counts, the run's token total and its learned tokens per step, as they
     * were before a push was credited. The policy reads the learned figure while it handles the push
     * (to place the next assignment), so it is set before and put back on a refusal.
     */
    private record Counts(long memberTokens, long memberSteps, long runTokens, double learnedTokensPerStep) {
    }

    /**
     * The policy refused {@code m}'s pseudo-gradient after it was credited (asynchronous methods: its
     * outer step left θ non-finite and was undone): the counts go back to what they were, the push is
     * refused, and the member is freed as for any rejected push.
     */
    private void refuse(Member m, Event.Delta d, Counts before, Outcome.Refused r) {
        m.tokens = before.memberTokens();
        m.steps = before.memberSteps();
        tokens = before.runTokens();
        learnedTokensPerStep = before.learnedTokensPerStep();
        refusePush(m, d, r.code(), r.detail());
    }

    /** {@code m}'s push is refused with {@code code}: counted, answered, and the member freed as for any rejected push. */
    private void refusePush(Member m, Event.Delta d, Refusal code, String detail) {
        m.rejected++;
        reject(m.id, code, detail);
        out.add(new Command.Unapplied(m.id, d.fragment(), d.baseVersion(), detail));
        policy.onRejected(m, d.fragment());
    }

    private void idle(Event.Idle i) {
        Member m = members.get(i.member());
        if (m == null || m.generation != i.generation()) return;
        if (assignments.nothing(m.id, i.assignment(), i.fragment()) == null) {
            reject(m.id, Refusal.REPLAY, "replay: notice for assignment " + i.assignment() + " of fragment " + i.fragment()
                    + ", which is not outstanding for this member");
            return;
        }
        drop(m.id, DropCause.NO_CONTRIBUTION, m + " has no contribution: " + i.reason());
        policy.onIdle(m, i.fragment());
    }

    /**
     * An asynchronous member was served a newer θ than its order named: its assignment starts from
     * that version from now on (only forward, never past θ's own version). Synchronous rounds and
     * streaming fragments keep the exact θ they named: a notice for them changes nothing.
     */
    private void served(Event.Served s) {
        Member m = members.get(s.member());
        if (m == null || m.generation != s.generation() || !cfg.method().async() || s.version() > outer.version) return;
        if (assignments.rebase(m.id, s.assignment(), s.version()) != null) m.assignedVersion = s.version();
    }

    private void gone(int id, DecisionKind kind, String reason) {
        Member m = members.remove(id);
        if (m == null) return;
        assignments.forget(id);
        decide(kind, id, m + " " + reason);
        policy.onGone(m);
    }

    /**
     * For a driver that encodes (or copies) the θ of every command before it hands the coordinator
     * its next event, as the network runtime does: snapshots of the whole θ are then views of θ
     * (their values are {@link #theta()} itself), not a copy of 4 bytes per parameter per order. Not part of the
     * state. The simulator keeps copies: its workers start from a snapshot later, after other events.
     */
    public void shareTheta() {
        outer.liveSnapshots = true;
    }

    // ---- services for policies -------------------------------------------------------------

    public CoordinatorConfig config() {
        return cfg;
    }

    Membership members() {
        return members;
    }

    OuterState outer() {
        return outer;
    }

    double now() {
        return now;
    }

    /**
     * False, after stopping the run, if θ holds a value the down codec cannot carry within its
     * bound (fp16 beyond ±65504, anything non-finite): θ is never sent saturated.
     */
    private boolean sendable(Snapshot snap) {
        if (stopped) return false;
        if (snap.phantom() || snap == checkedSnapshot) return true;
        String bad = downlinkRefusal(() -> outer.knownMax(snap), snap.vector());
        if (bad != null) {
            stop(bad);
            return false;
        }
        checkedSnapshot = snap;
        return true;
    }

    /**
     * Why {@code values} cannot be sent with the down codec, or null. Their max |θ_i| is known without a
     * pass over them when they are the current θ ({@code known}: the step guard's max, found by the last
     * step in its own pass; NaN for an older snapshot) — a scan of all of θ per order cost the event loop
     * ~0.25 CPU-s per GB ingested at 100M (docs/bench/push-path.md). A known max that is the guard's bound
     * (steps not measured, or a pass deferred) and that the codec does not carry is measured; only a θ
     * that may still not be sendable is scanned, for the message.
     */
    private String downlinkRefusal(DoubleSupplier known, Fp32Vector values) {
        if (ThetaDownlink.carries(downCodec, known.getAsDouble())) return null;
        if (outer.measureMax() && ThetaDownlink.carries(downCodec, known.getAsDouble())) return null;
        return ThetaDownlink.refusal(downCodec, values);
    }

    /** Sends θ down and starts {@code m} on an assignment, placed on the run's clock by the policy. */
    void train(Member m, int steps, int shard, Snapshot snap) {
        if (!sendable(snap)) return;
        GlobalProgress progress = policy.progress(m);
        m.state = Member.State.TRAINING;
        m.assignedVersion = snap.version();
        m.assignedSteps = steps;
        m.assignedAt = now;
        m.shard = shard;
        if (cfg.method() != Method.DDP) ledger.down(m.id, downCodec.encodedSize(size));
        long[] rounds = cfg.method() == Method.STREAMING ? outer.rounds.clone() : null;
        // Streaming: one push slot per fragment, with consecutive ids (fragment p's is the first + p).
        long id = assignments.issue(m.id, 0, rounds == null ? snap.version() : rounds[0], steps, now).id();
        for (int p = 1; rounds != null && p < rounds.length; p++) assignments.issue(m.id, p, rounds[p], steps, now);
        out.add(new Command.Train(m.id, m.generation, snap.version(), steps, shard, snap, rounds, progress, id));
    }

    /**
     * The steps of an asynchronous assignment to {@code m}, trimmed so that the run trains its token
     * budget and no more (to within one step of each worker) instead of overshooting by up to an
     * assignment of every worker: runs are then compared at equal tokens. What is left is the budget
     * minus the tokens applied and the tokens handed out to other members still training.
     *
     * @return steps in [1, wanted], or 0 when the budget is already handed out in full
     */
    int budgetedSteps(Member m, int wanted) {
        double tokensPerStep = tokensPerStep();
        if (cfg.tokenBudget() <= 0 || tokensPerStep <= 0) return wanted;
        double remaining = cfg.tokenBudget() - tokens - inFlightTokens(m);
        if (remaining <= 0) return 0;
        return (int) Math.max(1, Math.min(wanted, Math.ceil(remaining / tokensPerStep - 1e-9)));
    }

    /** Tokens handed out to members other than {@code except} still training a bounded assignment. */
    private double inFlightTokens(Member except) {
        double t = 0;
        double tokensPerStep = tokensPerStep();
        for (Member m : members.inState(Member.State.TRAINING)) {
            if (m != except && m.assignedSteps != Command.Train.OPEN_ENDED) t += m.assignedSteps * tokensPerStep;
        }
        return t;
    }

    /** Tokens per inner step as the latest accepted push reported (0 until one arrives; see {@link #learnedTokensPerStep}). */
    double tokensPerStep() {
        return learnedTokensPerStep;
    }

    void applyFragment(Member m, int fragment, Snapshot snap) {
        if (!sendable(snap)) return;
        ledger.down(m.id, downCodec.encodedSize(snap.size()));
        // The member's next push of this fragment answers a new slot; its compute time lies within its open-ended assignment.
        Assignment slot = assignments.issue(m.id, fragment, snap.version(), Command.Train.OPEN_ENDED, m.assignedAt);
        out.add(new Command.ApplyFragment(m.id, fragment, snap.version(), snap, cfg.mergeAlpha(), slot.id()));
    }

    void timer(String key, double at) {
        out.add(new Command.SetTimer(key, at));
    }

    void evict(Member m, String reason) {
        members.remove(m.id);
        assignments.forget(m.id);
        decide(DecisionKind.EVICT, m.id, m + " evicted: " + reason);
        out.add(new Command.Evict(m.id, reason));
    }

    private static long saturated(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    /** The assignments outstanding for {@code member}, oldest first (for tests and drivers' diagnostics). */
    List<Assignment> outstanding(int member) {
        return assignments.of(member);
    }

    private void reject(int member, Refusal code, String reason) {
        decide(DecisionKind.REJECT, member, reason);
        out.add(new Command.Reject(member, code, reason));
    }

    /** Records a decision other than a drop (drops go through {@link #drop}, with their cause). */
    void decide(DecisionKind kind, int member, String reason) {
        if (kind == DecisionKind.DROP) throw new IllegalArgumentException("a drop needs its cause: " + reason);
        sink.emit(new Metric.Decision(kind, member, reason, now));
    }

    /** {@code member}'s contribution (or an expected one) is left out of an outer update, for {@code cause}. */
    void drop(int member, DropCause cause, String reason) {
        if (member >= 0) drops.putIfAbsent(member, reason);
        sink.emit(new Metric.Decision(DecisionKind.DROP, member, reason, now, cause));
    }

    void outerStepDone(int fragment, List<Integer> contributors, List<Long> staleness, List<Double> weights, double norm) {
        outerSteps++;
        sink.emit(new Metric.OuterStep(outerSteps, outer.version, fragment, List.copyOf(contributors), List.copyOf(staleness),
                List.copyOf(weights), members.size(), tokens, ledger.up(), ledger.down(), norm, now));
    }

    /** Whether the tokens applied have reached the token budget. */
    boolean budgetReached() {
        return cfg.tokenBudget() > 0 && tokens >= cfg.tokenBudget();
    }

    /** Stops the run if the token budget or step limit is reached; true if stopped. */
    boolean maybeStop() {
        if (stopped) return true;
        String why = null;
        if (cfg.tokenBudget() > 0 && tokens >= cfg.tokenBudget()) why = "token budget of " + cfg.tokenBudget() + " reached (" + tokens + ")";
        else if (cfg.maxOuterSteps() > 0 && outerSteps >= cfg.maxOuterSteps()) why = "outer step limit " + cfg.maxOuterSteps() + " reached";
        if (why == null) return false;
        stop(why);
        return true;
    }

    void stop(String reason) {
        stopped = true;
        stopReason = reason;
        decide(DecisionKind.STOP, -1, reason);
        out.add(new Command.Stop(reason));
    }

    // ---- read-only views for drivers ---------------------------------------------------------

    /**
     * Current θ as one array (a live view: drivers must not modify it); null in phantom runs. For the
     * drivers that take θ whole (evaluation, samples, a worker's start): a θ in several chunks is
     * refused here ({@link Fp32Vector#array()}); {@link #thetaVector()} is θ in any form.
     */
    public float[] theta() {
        return outer.theta() == null ? null : outer.theta().array();
    }

    /** Current θ in its chunks (a live view: drivers must not modify it); null in phantom runs. */
    public Fp32Vector thetaVector() {
        return outer.theta();
    }

    /**
     * Why the current θ cannot be sent with the down codec, or null: what a runtime asks before it
     * encodes a new snapshot of θ for pulls (null in phantom runs), answered as for orders, without a
     * pass over θ when its max is known. A scan per snapshot took a third of the network runtime's
     * event loop with pulls on every order at 100M (docs/bench/pull-path.md).
     */
    public String downlinkRefusal() {
        Fp32Vector v = outer.theta();   // flushes a waiting pass: the guard's max is of θ as it is now
        return v == null ? null : downlinkRefusal(outer::thetaMax, v);
    }

    /**
     * Tells the coordinator, before an event, whether another push is already waiting to be handed to
     * it (the driver's queue). While true, an asynchronous arrival whose step the step guard clears
     * may be counted and answered before its pass over θ, which then runs together with the next
     * arrival's, or the next two's (one pass for two or three, the same bits: docs/bench/paired-arrivals.md) or when anything reads
     * θ or the optimizer state ({@link #theta}, {@link #thetaVector}, {@link #state}, {@link #view},
     * snapshots that copy, {@link #flush}). Every decision is the one a pass at once would give. The
     * driver must keep a deferred push's bytes readable while its step is among the last {@link #deferredSteps()}, must
     * not read a shared snapshot's values ({@link #shareTheta}) but through {@link #theta}/{@link #thetaVector},
     * and should set it false for other events. Drivers that never call it never defer.
     */
    public void moreFollow(boolean more) {
        outer.moreFollow = more;
    }

    /** Runs the deferred step's pass over θ, if one waits ({@link #moreFollow}). */
    public void flush() {
        if (!outer.phantom()) outer.flush();
    }

    /** How many counted steps' passes over θ still wait (0, 1 or 2: the last pushes'), whose bytes are still needed. */
    public int deferredSteps() {
        return outer.deferredSteps();
    }

    /** Steps deferred so far (compared across an event: whether it deferred its own). */
    public long deferrals() {
        return outer.deferrals;
    }

    /** Passes that applied two or three pushes (deferred steps run with the next arrival's). */
    public long sharedPasses() {
        return outer.sharedPasses;
    }

    /** Pushes applied in the passes {@link #sharedPasses} counts. */
    public long stepsInSharedPasses() {
        return outer.stepsInSharedPasses;
    }

    public long version() {
        return outer.version;
    }

    public long outerSteps() {
        return outerSteps;
    }

    public long tokens() {
        return tokens;
    }

    public Ledger ledger() {
        return ledger;
    }

    public boolean stopped() {
        return stopped;
    }

    public int memberCount() {
        return members.size();
    }

    /** The ids of the members alive, in id order (a driver restarting from a checkpoint declares each one lost). */
    public List<Integer> memberIds() {
        List<Integer> ids = new ArrayList<>();
        for (Member m : members.all()) ids.add(m.id);
        return ids;
    }

    /** θ's length as one array's ({@link org.diloco4j.core.params.Fp32Storage}): refused past 2^31 − 9; {@link #parameters()} is any length. */
    public int size() {
        return org.diloco4j.core.params.Fp32Storage.length(size, "the coordinator's θ");
    }

    /** θ's length. */
    public long parameters() {
        return size;
    }

    public Fragment fragment(int p) {
        return outer.fragment(p);
    }

    public int fragmentCount() {
        return outer.fragmentCount();
    }

    public FragmentPlan plan() {
        return outer.plan();
    }
}
