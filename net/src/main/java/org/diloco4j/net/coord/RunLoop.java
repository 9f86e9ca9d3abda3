package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.Refusal;
import org.diloco4j.core.time.Clock;
import org.diloco4j.core.train.Evaluator;
import org.diloco4j.net.auth.Caller;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.Notice;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.RunSpec;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.Refusals;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.net.wire.RunSpecs;
import org.diloco4j.net.wire.WireCounter;

import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The coordinator's event loop: feeds the core {@link Coordinator} its events (joins, uploads,
 * timers, lost sessions) and executes the {@link Command}s it returns; arms its timers, times out
 * silent sessions, and ends the run. Every method runs on the one loop thread of
 * {@link RuntimeThreads}, so {@code handle()} is never called concurrently; {@link
 * CoordinatorRuntime} is the transport's side, which only hops onto this loop.
 */
final class RunLoop {
    final RuntimeListener listener;
    final RuntimeState st;
    final Coordinator coordinator;
    final ThetaStore thetas;
    final WireCounter wire = new WireCounter();
    final Sessions sessions;
    final Orders orders;
    final Pulls pulls;
    final Pushes pushes;
    final MetricsFeed feed;
    /** Pushes' answers, some waiting for a pass their step shares with the next push's. */
    final DeferredReplies replies;
    final RuntimeThreads threads;
    final CompletableFuture<RunTotals> end = new CompletableFuture<>();
    private final RunSpec spec;
    private final RuntimeOptions opts;
    private final Admission admission;
    private final Upkeep upkeep;
    private final Clock clock;
    private final long startNanos;
    private final double clockAtStart;

    /** Where failures of tasks that reach the loop after the run ended go: the debug level. */
    static final java.util.logging.Logger LATE = java.util.logging.Logger.getLogger(RunLoop.class.getName());

    private boolean ending;
    /** After the run stopped: members whose final report (a heartbeat after the stop) is still awaited. */
    private final Set<Integer> awaitingReports = new HashSet<>();
    private final CompletableFuture<Void> finalReports = new CompletableFuture<>();

    /** A loop whose θ snapshots are on the heap. */
    RunLoop(RunDefinition run, RuntimeState st, RuntimeOptions opts, long snapshotBudget, Evaluator evaluator, RuntimeListener listener,
            CheckpointStore store, CoordinatorMetrics metrics, Clock clock) {
        this(run, st, opts, snapshotBudget, new HeapSnapshots(), evaluator, listener, store, metrics, clock);
    }

    /**
     * @param snapshotBudget bytes of encoded θ snapshots kept for pulls ({@link MemoryBound#snapshotBytes()})
     * @param snapshots      where they are kept ({@link MemoryBound#place()})
     */
    RunLoop(RunDefinition run, RuntimeState st, RuntimeOptions opts, long snapshotBudget, SnapshotStorage snapshots, Evaluator evaluator,
            RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics, Clock clock) {
        this.spec = RunSpecs.toProto(run);
        this.opts = opts;
        this.listener = listener;
        this.st = st;
        this.coordinator = st.coordinator;
        this.clock = clock;
        this.startNanos = clock.nanos();
        this.clockAtStart = st.clock;
        this.threads = new RuntimeThreads(this::fail);
        this.thetas = new ThetaStore(Codecs.parse(run.downCodec()), snapshotBudget, snapshots);
        this.orders = new Orders(thetas, run.downCodec(), run.method().async(), coordinator);
        // Orders encode (or, asynchronous, do not need) θ before the next event: no fp32 copy of θ per order.
        coordinator.shareTheta();
        this.pulls = new Pulls(thetas, orders, coordinator, this::deliver, this::now, listener::log);
        this.feed = new MetricsFeed(metrics, coordinator);
        this.sessions = new Sessions(orders, pulls, feed, clock, new Reports(coordinator.config()));
        this.admission = new Admission(sessions, opts.admission().resolve(st.config.minWorkers()), clock);
        this.replies = new DeferredReplies(coordinator, run.method().async());
        this.pushes = new Pushes(() -> ending || coordinator.stopped(), sessions::isLive, this::now, this::deliver, listener, feed,
                run.plan().count());
        this.upkeep = new Upkeep(st, opts, listener, metrics, evaluator, store, threads, this::now, sessions::ids, this::onLoop);
        metrics.attach(run.method().id(), wire);
        metrics.thetaVersion(coordinator.version());
        coordinator.attach(this::observe);
    }

    /**
     * Stops the loop's threads, then lets go of every θ snapshot: nothing pins one any more, and
     * their files are closed (and so gone) now, not when the JVM exits. If a loop task outlived
     * its wait and the interrupt, the store is the loop's still (it is not thread-safe): it is
     * left alone, its snapshots going with the task's end or the JVM.
     */
    void close() {
        threads.close();
        if (threads.loopEnded()) {
            // A push whose pass waited for one the closing loop dropped: its pass, then its answer.
            replies.settle();
            thetas.close();
        }
        else listener.log("coordinator: a task on the event loop did not end on close; its θ snapshots are left to it");
    }

    /** The run's clock: wall seconds since the run started, continued across restarts. Any thread. */
    double now() {
        return clockAtStart + clock.secondsSince(startNanos);
    }

    /** Starts the loop's periodic housekeeping (session timeouts, checkpoints, evaluations). */
    void start() {
        threads.start(this::housekeeping, opts.heartbeatSeconds());
    }

    void onLoop(Runnable r) {
        threads.loop(r, null);
    }

    void onLoop(Runnable r, CompletableFuture<?> f) {
        threads.loop(r, f);
    }

    // ---- what the transport asked for, on the loop -------------------------------------------------

    /**
     * After a restart from a checkpoint: the members alive then are lost (their processes rejoin as
     * new members) and the coordinator's timers are armed again.
     */
    void resumed() {
        String why = "coordinator restarted from its checkpoint at outer step " + coordinator.outerSteps();
        // Every member the coordinator holds (those with a session when the checkpoint was cut are
        // among them), not only those: sessions ended by a server shutdown (without telling the
        // coordinator) leave members whose rounds would otherwise wait for them forever.
        for (int m : coordinator.memberIds()) deliver(new Event.Lost(m, why, now()));
        st.members.clear();
        for (Map.Entry<String, Double> t : Map.copyOf(st.timers).entrySet()) setTimer(t.getKey(), t.getValue());
        listener.log(String.format(Locale.ROOT, "resumed at outer step %d, θ v%d, %d tokens, clock %.1f s (restart %d)",
                coordinator.outerSteps(), coordinator.version(), coordinator.tokens(), st.clock, st.restarts));
        // A run that had already finished (saved at its end) ends again at once: its workers were told then.
        if (coordinator.stopped()) finish(st.stopReason != null ? st.stopReason : "the run had already finished", false);
    }

    JoinReply admit(JoinRequest r, Caller caller) {
        if (ending || coordinator.stopped()) {
            admission.told(r.getInstance());
            return refusal(Refusal.RUN_OVER, "the run is over: " + (end.isDone() ? "finished" : "finishing"));
        }
        // The token was checked when the call came in; a revocation since then (the event loop may have
        // ended the credential's sessions already) must not let this join through. This runs on the
        // loop, so it must not stat the credentials file per join or wait for a reading under way:
        // it compares the keyring's revocation count, and only after a revocation identifies again.
        if (!caller.stillAdmitted().getAsBoolean()) {
            listener.log("refused a join: credential '" + caller.credential() + "' was revoked after the call came in");
            return refusal(Refusal.NOT_A_MEMBER, "credential '" + caller.credential() + "' was revoked");
        }
        String full = admission.full(caller);
        if (full != null) {
            if (admission.logRefusal()) listener.log("refused a join (" + admission.refusedFull() + " so far): " + full);
            return refusal(Refusal.FULL, full);
        }
        Admission.Pending j = admission.begin(r, caller);
        String name = j.name;
        try {
            deliver(new Event.Join(name, r.getShard(), 0, now()));
        } finally {
            admission.done();
        }
        Session s = j.session;
        if (s == null) {
            if (coordinator.stopped()) return refusal(Refusal.RUN_OVER, "the run is over");
            if (j.refusal == null) throw new IllegalStateException("the coordinator neither admitted nor refused '" + name + "'");
            return refusal(j.refusal.code(), j.refusal.reason());
        }
        RunResult.Worker before = st.workers.get(s.instance);
        s.reports.admitted(before, now());
        st.workers.put(s.instance, before == null ? new RunResult.Worker(name, 0, 0, 0, 0, 0, 0, 0)
                : new RunResult.Worker(name, before.computeSeconds(), before.communicateSeconds(), before.idleSeconds(), before.steps(),
                before.tokens(), before.bytesUp(), before.bytesDown()));
        listener.log("admitted " + s + " (generation " + s.generation + ", " + r.getThreads() + " threads, shard " + r.getShard()
                + (s.credential != null ? ", credential " + s.credential : "") + ")");
        return JoinReply.newBuilder().setAdmitted(true).setName(name).setRun(spec)
                .setSession(SessionRef.newBuilder().setMember(s.member).setGeneration(s.generation).setKey(s.key()))
                .setHeartbeatSeconds(opts.heartbeatSeconds()).setSessionTimeoutSeconds(opts.sessionTimeoutSeconds())
                .setCoordinatorTime(now()).setThetaVersion(coordinator.version()).build();
    }

    /**
     * A join whose caller gave up (its deadline passed, or it hung up) before the loop got to it: a
     * pause of the loop longer than the worker's join deadline (a live checkpoint of a large model)
     * leaves such joins queued. Admitting one would make a member no process holds, which the
     * coordinator would wait for until its session timed out; its worker joins again anyway.
     */
    void abandoned(JoinRequest r) {
        listener.log("dropped a join of '" + r.getName() + "': its caller gave up waiting before the event loop got to it");
    }

    /** A reading of the run's clock (session timeouts, the run's time, how long pushes wait for their answer). */
    long nanos() {
        return clock.nanos();
    }

    static JoinReply refusal(Refusal code, String reason) {
        return JoinReply.newBuilder().setAdmitted(false).setRefusal(Refusals.toProto(code)).setReason(reason).build();
    }

    /** A heartbeat that carries totals, timeline segments or the final report. */
    void report(Session s, HeartbeatRequest r) {
        // A periodic heartbeat overtaken by the final report must not roll its totals back.
        if (s.finalReported) return;
        s.finalReported = r.getFinal();
        // The ledger's accepted totals, not this report's: reports checked in one order may reach the loop in another.
        if (r.hasStats()) st.workers.put(s.instance, s.reports.totals(s.name));
        for (var g : r.getSegmentsList()) listener.segment(s.name, org.diloco4j.core.run.Segment.Kind.ofLabel(g.getKind()), g.getStart(), g.getEnd());
        if (ending && r.getFinal() && awaitingReports.remove(s.member) && awaitingReports.isEmpty()) finalReports.complete(null);
    }

    void leave(Session s) {
        if (!sessions.isLive(s)) return;
        sessions.end(s, null);
        if (!ending) deliver(new Event.Leave(s.member, now()));
    }

    void lost(Session s, String reason) {
        if (!sessions.isLive(s)) return;
        sessions.end(s, null);
        if (!ending) deliver(new Event.Lost(s.member, reason, now()));
    }

    /** The credentials of {@code names} were revoked: their live sessions end at once, told why. */
    void revoke(java.util.Set<String> names) {
        for (Session s : sessions.all()) {
            if (s.credential == null || !names.contains(s.credential) || !sessions.isLive(s)) continue;
            String why = "credential '" + s.credential + "' was revoked";
            listener.log("evicted " + s + ": " + why);
            sessions.end(s, Order.newBuilder().setEvict(Notice.newBuilder().setReason(why).setRefusal(Refusals.toProto(Refusal.NOT_A_MEMBER))));
            if (!ending) deliver(new Event.Lost(s.member, why, now()));
        }
    }

    /** Stops where the run is, with a checkpoint to continue from; workers are not told. */
    void stop(String reason) {
        if (ending) return;
        ending = true;
        threads.cancelTimers();
        upkeep.checkpoint(true);
        listener.log("stopped at outer step " + coordinator.outerSteps() + ": " + reason);
        end.complete(RunTotals.of(st, false, reason, now(), null, wire));
    }

    // ---- the coordinator's side ----------------------------------------------------------------------

    /**
     * An internal error: an event may have been handled part-way (a streamed apply cut by an I/O
     * error leaves θ and the optimizer's buffers partly stepped, with nothing committed). The loop
     * handles nothing more and takes no checkpoint, so the last good checkpoint is where the run
     * continues from; the run ends with the error.
     */
    private void fail(Throwable t) {
        if (end.isDone()) {
            // The run already ended (stopped with its checkpoint written, or finished): what still reaches the
            // loop is a straggler (a transport callback racing the shutdown, say, onto an executor already closed).
            // Nothing of the saved state is at stake, and a line saying it was not checkpointed would be false.
            LATE.log(java.util.logging.Level.FINE, "a task on the event loop after the run ended failed; dropped", t);
            return;
        }
        threads.halt(t);
        replies.abandon(t);
        listener.log("internal error on the coordinator's event loop: " + t + "; stopped without a checkpoint of this state"
                + " (the last checkpoint is where the run continues from)");
        end.completeExceptionally(t);
    }

    /** The coordinator's records: counted and passed on to the sinks; nothing here decides what the runtime does. */
    private void observe(Metric m) {
        if (m instanceof Metric.OuterStep o) {
            for (long s : o.staleness()) st.staleness.merge(s, 1L, Long::sum);
            for (int member : o.contributors()) {
                String instance = admission.instanceOf(member);
                if (instance != null) st.applied.merge(instance, 1L, Long::sum);
            }
        }
        feed.metric(m);
        listener.metric(m);
    }

    private void deliver(Event e) {
        pushes.clear();
        feed.begin(e);
        List<Command> cmds = coordinator.handle(e);
        for (Command c : cmds) execute(c);
        feed.end(cmds);
        if (!ending) upkeep.afterEvent();
    }

    private void execute(Command c) {
        switch (c) {
            case Command.Welcome w -> admission.welcome(w);
            case Command.Train t -> {
                Session s = sessions.get(t.member());
                if (s != null) exact(() -> orders.train(s, t));
            }
            case Command.ApplyFragment a -> {
                Session s = sessions.get(a.member());
                if (s != null) exact(() -> orders.applyFragment(s, a));
            }
            case Command.Evict e -> {
                Session s = sessions.get(e.member());
                if (s != null) sessions.end(s, Order.newBuilder().setEvict(Notice.newBuilder().setReason(e.reason())
                        .setRefusal(Refusals.toProto(Refusal.NOT_A_MEMBER))));
            }
            case Command.Reject r when r.member() < 0 -> admission.refuse(r);
            case Command.Reject r -> {
                pushes.rejected(r);
                Session s = sessions.get(r.member());
                if (s != null) s.order(Order.newBuilder().setReject(Notice.newBuilder().setReason(r.reason()).setRefusal(Refusals.toProto(r.code()))));
            }
            case Command.Unapplied u -> pushes.unapplied(u);
            case Command.SetTimer t -> setTimer(t.key(), t.at());
            case Command.Stop s -> {
                if (coordinator.stopped()) finish(s.reason(), true);
            }
        }
    }

    /**
     * Issues an order that may name an exact θ snapshot ({@link ThetaStore#acquire}). If its file
     * cannot be written (a full disk), the run stops with a checkpoint and one line naming the
     * directory and what to do, rather than failing without one: the order names θ at this version,
     * which moves on, so there is nothing a member could retry later, and the coordinator has already
     * given it the work (withholding the order would leave its round waiting for it). Freeing space,
     * or another spool directory, is the operator's to do; the checkpoint loses nothing. Once stopping,
     * no more snapshots are written.
     */
    private void exact(Runnable order) {
        if (ending) return;
        try {
            order.run();
        } catch (UncheckedIOException unwritable) {
            stop("an order's θ snapshot could not be written: " + unwritable.getMessage() + "; then start the coordinator again to continue from this checkpoint");
        }
    }

    private void setTimer(String key, double at) {
        st.timers.put(key, at);
        threads.schedule(key, at - now(), seq -> onLoop(() -> {
            if (ending || !threads.current(key, seq)) return;
            st.timers.remove(key);
            deliver(new Event.Timer(key, now()));
        }));
    }

    private void housekeeping() {
        if (ending) return;
        for (Session s : sessions.all()) {
            double silent = s.silentSeconds();
            if (silent > opts.sessionTimeoutSeconds()) {
                lost(s, String.format(Locale.ROOT, "no heartbeat for %.1f s (session timeout %.1f s)", silent, opts.sessionTimeoutSeconds()));
            }
        }
        upkeep.periodic();
    }

    /**
     * The coordinator stopped the run: every worker is told, the final θ is evaluated and saved.
     * With {@code tellStragglers}, workers lost during the run are answered for a while if they
     * try to rejoin.
     */
    private void finish(String reason, boolean tellStragglers) {
        if (ending) return;
        ending = true;
        st.stopReason = reason;
        threads.cancelTimers();
        for (Session s : sessions.all()) {
            s.order(Order.newBuilder().setStop(Notice.newBuilder().setReason(reason).setRefusal(Refusals.toProto(Refusal.RUN_OVER))));
        }
        awaitingReports.addAll(sessions.ids());
        if (awaitingReports.isEmpty()) finalReports.complete(null);
        listener.log("run finished: " + reason);
        // Workers lost during the run (or before a restart) may be retrying to join: the server
        // stays up a little to answer them "the run is over" instead of leaving them to retry
        // until their reconnect timeout.
        int untold = admission.tellWhenTheyCome(tellStragglers ? st.workers.keySet() : List.of());
        if (untold > 0) {
            listener.log(untold + " worker(s) lost during the run may still reconnect: telling them it is over for up to "
                    + Limits.STRAGGLER_SECONDS + " s");
        }
        double endedAt = now();
        upkeep.finish(finalReports, admission.allTold(), () -> end.complete(RunTotals.of(st, true, reason, endedAt, st.lastEval, wire)));
    }
}
