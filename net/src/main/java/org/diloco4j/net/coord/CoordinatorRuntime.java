package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.Refusal;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.core.train.Evaluator;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.metrics.RejectReason;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.Notice;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.RunSpec;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.Refusals;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.net.wire.RunSpecs;
import org.diloco4j.net.wire.WireCounter;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The network driver of the {@link Coordinator}: the same state machine the simulator drives, fed
 * by workers over gRPC. One event-loop thread owns the coordinator and every session's orders;
 * transport threads only parse, validate and reassemble messages and hand events to the loop, so
 * {@code handle()} is never called concurrently. Timers and session timeouts (Kafka-style: heartbeat
 * interval, session timeout, generation ids) run on a scheduler that also posts to the loop.
 * Evaluations and checkpoint writes run on a background thread. Joins are decided with
 * {@link Admission}, live sessions kept by {@link Sessions}, uploads answered by {@link Pushes}.
 *
 * <p>Longer than the ~350 lines a class should have: it is still both the transport's entry points
 * (each a hop onto the loop) and the loop itself (events, commands, timers, the end of the run);
 * separating the two is the next cut.
 */
public final class CoordinatorRuntime implements AutoCloseable {
    private final RunDefinition run;
    private final RunSpec spec;
    private final RuntimeOptions opts;
    private final RuntimeListener listener;
    private final RuntimeState st;
    private final Coordinator coordinator;
    private final ThetaStore thetas;
    private final WireCounter wire = new WireCounter();
    private final Sessions sessions;
    private final Admission admission;
    private final Pushes pushes;
    private final RuntimeThreads threads;
    private final CompletableFuture<RunTotals> end = new CompletableFuture<>();
    private final long startNanos = System.nanoTime();
    private final double clockAtStart;

    private final Orders orders;
    private final Upkeep upkeep;
    private final MetricsFeed feed;

    // Event loop only.
    private boolean ending;
    /** After the run stopped: members whose final report (a heartbeat after the stop) is still awaited. */
    private final java.util.Set<Integer> awaitingReports = new java.util.HashSet<>();
    private final CompletableFuture<Void> finalReports = new CompletableFuture<>();

    private CoordinatorRuntime(RunDefinition run, RuntimeState st, RuntimeOptions opts, Evaluator evaluator,
                               RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics) {
        if (st.coordinator.size() != run.modelSize() || st.coordinator.fragmentCount() != run.plan().count()) {
            throw new IllegalArgumentException("coordinator state has " + st.coordinator.size() + " parameters in " + st.coordinator.fragmentCount()
                    + " fragments; the run definition has " + run.modelSize() + " in " + run.plan().count());
        }
        if (st.coordinator.theta() == null) throw new IllegalArgumentException("the network runtime needs a real θ, not a phantom coordinator");
        this.run = run;
        this.spec = RunSpecs.toProto(run);
        this.opts = opts;
        this.listener = listener;
        this.st = st;
        this.coordinator = st.coordinator;
        this.clockAtStart = st.clock;
        this.threads = new RuntimeThreads(this::fail);
        this.thetas = new ThetaStore(Codecs.parse(run.downCodec()), opts.thetaCacheBytes(), threads::encode);
        this.orders = new Orders(thetas, run.downCodec());
        this.feed = new MetricsFeed(metrics, coordinator);
        this.sessions = new Sessions(orders, feed);
        this.admission = new Admission(sessions);
        this.pushes = new Pushes(() -> ending || coordinator.stopped(), sessions::isLive, this::now, this::deliver, listener, feed,
                run.plan().count());
        this.upkeep = new Upkeep(st, opts, listener, metrics, evaluator, store, threads, this::now, sessions::ids, this::onLoop);
        metrics.attach(run.method().id(), wire);
        metrics.thetaVersion(coordinator.version());
        coordinator.attach(this::observe);
    }

    /**
     * Starts a new run: evaluates θ₀ (on the caller's thread), then opens the event loop. Joins are
     * accepted once a server is bound to this runtime.
     */
    public static CoordinatorRuntime start(RunDefinition run, Coordinator fresh, RuntimeOptions opts, Evaluator evaluator,
                                           RuntimeListener listener, CheckpointStore store) {
        return start(run, fresh, opts, evaluator, listener, store, CoordinatorMetrics.NONE);
    }

    /** {@link #start(RunDefinition, Coordinator, RuntimeOptions, Evaluator, RuntimeListener, CheckpointStore)}, monitored. */
    public static CoordinatorRuntime start(RunDefinition run, Coordinator fresh, RuntimeOptions opts, Evaluator evaluator,
                                           RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics) {
        RuntimeState st = new RuntimeState(fresh, fresh.config(), run.configToml());
        CoordinatorRuntime rt = new CoordinatorRuntime(run, st, opts, evaluator, listener, store, metrics);
        if (evaluator != null) {
            EvalResult r = evaluator.evaluate(fresh.theta().clone());
            st.initialEval = r;
            st.lastEval = r;
            st.lastEvalVersion = fresh.version();
            listener.metric(new Metric.Eval(0, fresh.version(), r.loss(), r.bitsPerByte(), 0, 0, 0));
            metrics.evaluated(fresh.version(), r.loss());
        }
        st.nextEvalTokens = opts.evalEveryTokens();
        rt.threads.start(rt::housekeeping, opts.heartbeatSeconds());
        return rt;
    }

    /**
     * Continues a run from a checkpoint: the members alive at the checkpoint are declared lost (their
     * processes rejoin as new members), the coordinator's timers are armed again, and the run's
     * clock, versions and counters continue where they were.
     */
    public static CoordinatorRuntime resume(RunDefinition run, CheckpointStore.Checkpoint c, RuntimeOptions opts, Evaluator evaluator,
                                            RuntimeListener listener, CheckpointStore store) throws IOException {
        return resume(run, c, opts, evaluator, listener, store, CoordinatorMetrics.NONE);
    }

    /** {@link #resume(RunDefinition, CheckpointStore.Checkpoint, RuntimeOptions, Evaluator, RuntimeListener, CheckpointStore)}, monitored. */
    public static CoordinatorRuntime resume(RunDefinition run, CheckpointStore.Checkpoint c, RuntimeOptions opts, Evaluator evaluator,
                                            RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics) throws IOException {
        RuntimeState st = RuntimeState.read(c.state(), run.plan());
        if (!st.configToml.equals(run.configToml())) {
            throw new IOException("the checkpoint belongs to a run with another configuration; start it with the config it was saved with");
        }
        st.restarts++;
        CoordinatorRuntime rt = new CoordinatorRuntime(run, st, opts, evaluator, listener, store, metrics);
        rt.threads.start(rt::housekeeping, opts.heartbeatSeconds());
        rt.onLoop(() -> {
            String why = "coordinator restarted from its checkpoint at outer step " + rt.coordinator.outerSteps();
            for (int m : List.copyOf(st.members)) rt.deliver(new Event.Lost(m, why, rt.now()));
            st.members.clear();
            for (Map.Entry<String, Double> t : Map.copyOf(st.timers).entrySet()) rt.setTimer(t.getKey(), t.getValue());
            rt.listener.log(String.format(Locale.ROOT, "resumed at outer step %d, θ v%d, %d tokens, clock %.1f s (restart %d)",
                    rt.coordinator.outerSteps(), rt.coordinator.version(), rt.coordinator.tokens(), st.clock, st.restarts));
            // A run that had already finished (saved at its end) ends again at once: its workers were told then.
            if (rt.coordinator.stopped()) rt.finish(st.stopReason != null ? st.stopReason : "the run had already finished", false);
        });
        return rt;
    }

    // ---- what the transport calls (any thread) --------------------------------------------------

    /** The run's clock: wall seconds since the run started, continued across restarts. */
    public double now() {
        return clockAtStart + (System.nanoTime() - startNanos) / 1e9;
    }

    public RunDefinition run() {
        return run;
    }

    public RuntimeOptions options() {
        return opts;
    }

    /** Bytes the server counted on the wire; install with {@code WireCounter.serverTracer()}. */
    public WireCounter wire() {
        return wire;
    }

    /** Completes when the run ends (finished, or stopped with a checkpoint). */
    public CompletableFuture<RunTotals> end() {
        return end;
    }

    /** Runs {@code f} on the event loop (between events) and waits for its result: for tests and tools. */
    public <T> T query(Function<Coordinator, T> f) {
        CompletableFuture<T> r = new CompletableFuture<>();
        onLoop(() -> r.complete(f.apply(coordinator)), r);
        return r.join();
    }

    /** The live session a message names, or null. */
    Session session(SessionRef ref) {
        return sessions.lookup(ref);
    }

    /** Why {@link #session} found nothing. */
    String unknown(SessionRef ref) {
        return sessions.unknown(ref);
    }

    CompletableFuture<JoinReply> join(JoinRequest r) {
        CompletableFuture<JoinReply> f = new CompletableFuture<>();
        onLoop(() -> f.complete(admit(r)), f);
        return f;
    }

    void subscribe(Session s, long afterSeq, io.grpc.stub.ServerCallStreamObserver<Order> obs) {
        onLoop(() -> {
            if (s.ended) {
                obs.onError(io.grpc.Status.NOT_FOUND.withDescription("session " + s + " has ended; join again").asRuntimeException());
            } else if (!s.attach(obs, afterSeq)) {
                lost(s, "resubscribed after order " + afterSeq + ", but the orders after it are no longer kept");
            }
        });
    }

    void unsubscribed(Session s, io.grpc.stub.ServerCallStreamObserver<Order> obs) {
        onLoop(() -> s.detach(obs));
    }

    ThetaStore.Entry theta(long id) {
        return thetas.get(id);
    }

    byte[] encoded(ThetaStore.Entry e) {
        return e.encoded(thetas.codec());
    }

    int crc(ThetaStore.Entry e) {
        return e.crc(thetas.codec());
    }

    /** A member has pulled all of a θ entry: it no longer needs to be held for it. */
    void pulled(Session s, long id) {
        onLoop(() -> orders.pulled(s, id));
    }

    CompletableFuture<PushReply> delta(Session s, DeltaHeader h, byte[] data) {
        CompletableFuture<PushReply> f = new CompletableFuture<>();
        onLoop(() -> f.complete(pushes.apply(s, h, data)), f);
        return f;
    }

    /**
     * An upload the transport refused before it reached the coordinator (too large, corrupt,
     * truncated): logged as a rejection, and the member's assignment counts as producing nothing.
     */
    void refused(Session s, DeltaHeader h, String reason, Refusal code) {
        feed.metrics().rejected(RejectReason.of(code));
        onLoop(() -> pushes.refused(s, h, reason));
    }

    /** An upload the transport refused without a session to charge it to (unknown session, too many in flight, malformed stream). */
    void refusedEarly(Refusal code) {
        feed.metrics().rejected(RejectReason.of(code));
    }

    void heartbeat(Session s, org.diloco4j.net.proto.HeartbeatRequest r) {
        s.touch();
        if (!r.hasStats() && r.getSegmentsCount() == 0 && !r.getFinal()) return;
        onLoop(() -> {
            // A periodic heartbeat overtaken by the final report must not roll its totals back.
            if (s.finalReported) return;
            s.finalReported = r.getFinal();
            if (r.hasStats()) {
                var w = r.getStats();
                st.workers.put(s.instance, new WorkerTotals(s.name, w.getComputeSeconds(), w.getCommunicateSeconds(), w.getIdleSeconds(),
                        w.getSteps(), w.getTokens(), w.getBytesUp(), w.getBytesDown()));
            }
            for (var g : r.getSegmentsList()) listener.segment(s.name, org.diloco4j.net.wire.SegmentKinds.fromWire(g.getKind()), g.getStart(), g.getEnd());
            if (ending && r.getFinal() && awaitingReports.remove(s.member) && awaitingReports.isEmpty()) finalReports.complete(null);
        });
    }

    void leave(Session s) {
        onLoop(() -> {
            if (!sessions.isLive(s)) return;
            sessions.end(s, null);
            if (!ending) deliver(new Event.Leave(s.member, now()));
        });
    }

    /** Transport-level trouble worth the operator's attention (refused calls, broken uploads). */
    void log(String line) {
        onLoop(() -> listener.log(line));
    }

    /**
     * Stops the run where it is, with a checkpoint to continue from (Ctrl-C). Workers are not told
     * to stop: they keep trying to reconnect and rejoin the restarted coordinator.
     */
    public CompletableFuture<RunTotals> stop(String reason) {
        onLoop(() -> {
            if (ending) return;
            ending = true;
            threads.cancelTimers();
            upkeep.checkpoint(true);
            listener.log("stopped at outer step " + coordinator.outerSteps() + ": " + reason);
            end.complete(RunTotals.of(st, false, reason, now(), null, wire));
        }, end);
        return end;
    }

    /**
     * Ends every session's order stream (they are long-lived calls a server shutdown would otherwise
     * wait for). Workers that are still running see the stream end and try to reconnect.
     */
    void closeSessions() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(() -> {
            // Ended like any session, so the monitoring no longer counts them as connected.
            for (Session s : sessions.all()) sessions.end(s, null);
            done.complete(null);
        }, done);
        try {
            done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // The loop is gone or stuck: the server's own shutdown will cut the streams.
        }
    }

    @Override
    public void close() {
        threads.close();
    }

    // ---- the event loop ---------------------------------------------------------------------------

    private void onLoop(Runnable r) {
        threads.loop(r, null);
    }

    private void onLoop(Runnable r, CompletableFuture<?> f) {
        threads.loop(r, f);
    }

    private void fail(Throwable t) {
        listener.log("internal error on the coordinator's event loop: " + t);
        end.completeExceptionally(t);
    }

    /** The coordinator's records: counted and passed on to the sinks; nothing here decides what the runtime does. */
    private void observe(Metric m) {
        if (m instanceof Metric.OuterStep o) {
            for (long s : o.staleness()) st.staleness.merge(s, 1L, Long::sum);
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
                if (s != null) orders.train(s, t);
            }
            case Command.ApplyFragment a -> {
                Session s = sessions.get(a.member());
                if (s != null) orders.applyFragment(s, a);
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

    private void lost(Session s, String reason) {
        if (!sessions.isLive(s)) return;
        sessions.end(s, null);
        if (!ending) deliver(new Event.Lost(s.member, reason, now()));
    }

    private JoinReply admit(JoinRequest r) {
        if (ending || coordinator.stopped()) {
            admission.told(r.getInstance());
            return refusal(Refusal.RUN_OVER, "the run is over: " + (end.isDone() ? "finished" : "finishing"));
        }
        Admission.Pending j = admission.begin(r);
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
        WorkerTotals before = st.workers.get(s.instance);
        st.workers.put(s.instance, before == null ? new WorkerTotals(name, 0, 0, 0, 0, 0, 0, 0)
                : new WorkerTotals(name, before.computeSeconds(), before.communicateSeconds(), before.idleSeconds(), before.steps(),
                before.tokens(), before.bytesUp(), before.bytesDown()));
        listener.log("admitted " + s + " (generation " + s.generation + ", " + r.getThreads() + " threads, shard " + r.getShard() + ")");
        return JoinReply.newBuilder().setAdmitted(true).setName(name).setRun(spec)
                .setSession(SessionRef.newBuilder().setMember(s.member).setGeneration(s.generation).setKey(s.key()))
                .setHeartbeatSeconds(opts.heartbeatSeconds()).setSessionTimeoutSeconds(opts.sessionTimeoutSeconds())
                .setCoordinatorTime(now()).setThetaVersion(coordinator.version()).build();
    }

    static JoinReply refusal(Refusal code, String reason) {
        return JoinReply.newBuilder().setAdmitted(false).setRefusal(Refusals.toProto(code)).setReason(reason).build();
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
        long t = System.nanoTime();
        for (Session s : sessions.all()) {
            double silent = s.silentSeconds(t);
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
