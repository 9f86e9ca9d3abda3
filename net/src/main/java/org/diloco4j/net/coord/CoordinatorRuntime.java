package org.diloco4j.net.coord;

import org.diloco4j.core.ingest.EncodedSource;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.PayloadUnreadable;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.Refusal;
import org.diloco4j.core.params.Fp32Storage;
import org.diloco4j.core.time.Clock;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.core.train.Evaluator;
import org.diloco4j.net.auth.Caller;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.metrics.RejectReason;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.net.wire.WireCounter;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The network driver of the {@link Coordinator}: the same state machine the simulator drives, fed
 * by workers over gRPC. This class is the transport's side: what {@link DilocoService} calls, from
 * any thread. Transport threads only parse, validate and reassemble messages; everything that
 * touches the coordinator or a session's orders hops onto the one event-loop thread of
 * {@link RunLoop}, which feeds the coordinator its events and executes its commands. Timers and
 * session timeouts (Kafka-style: heartbeat interval, session timeout, generation ids) post to the
 * same loop. Joins are decided with {@link Admission}, live sessions kept by {@link Sessions},
 * uploads answered by {@link Pushes}.
 */
public final class CoordinatorRuntime implements AutoCloseable {
    private final RunDefinition run;
    private final RuntimeOptions opts;
    /**
     * Null once closed. Objects of the transport can outlive the server: a gRPC transport's graceful
     * shutdown timer keeps the transport, its negotiator and through the stray-peer log this runtime
     * reachable for up to 10 s after the server closed (the 1B benchmark's checkpoint read-back ran out
     * of heap on it). Dropping the loop here lets θ and the optimizer's state go however long they linger.
     */
    private volatile RunLoop loop;

    private CoordinatorRuntime(RunDefinition run, RuntimeState st, RuntimeOptions opts, MemoryBound bound, Evaluator evaluator,
                               RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics, Clock clock) {
        // Phantom first, and θ's long length: neither may ask for θ as one array (which refuses past 2^31 − 9).
        if (st.coordinator.thetaVector() == null) throw new IllegalArgumentException("the network runtime needs a real θ, not a phantom coordinator");
        if (st.coordinator.parameters() != run.modelSize() || st.coordinator.fragmentCount() != run.plan().count()) {
            throw new IllegalArgumentException("coordinator state has " + st.coordinator.parameters() + " parameters in " + st.coordinator.fragmentCount()
                    + " fragments; the run definition has " + run.modelSize() + " in " + run.plan().count());
        }
        // The evaluator's model takes θ as one array: a θ past one is refused now, not at the first evaluation.
        if (evaluator != null && st.coordinator.parameters() > Fp32Storage.MAX_VALUES) {
            throw new IllegalArgumentException("θ has " + st.coordinator.parameters() + " values, more than the " + Fp32Storage.MAX_VALUES
                    + " of one array the evaluator takes: run this model without evaluation");
        }
        this.run = run;
        this.opts = opts;
        this.loop = new RunLoop(run, st, opts, bound.snapshotBytes(), snapshots(bound, opts), evaluator, listener, store, metrics, clock);
    }

    /** Where θ snapshots go, as the bound chose; a spool directory that cannot take them is refused now, in one line. */
    private static SnapshotStorage snapshots(MemoryBound bound, RuntimeOptions opts) {
        try {
            return SnapshotStorage.open(bound.place(), opts.spool());
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Starts a new run: evaluates θ₀ (on the caller's thread), then opens the event loop. Joins are
     * accepted once a server is bound to this runtime. Refused (IllegalStateException, one line) if
     * the JVM's heap cannot hold the run's {@link MemoryBound}; so is {@link #resume}.
     */
    public static CoordinatorRuntime start(RunDefinition run, Coordinator fresh, RuntimeOptions opts, Evaluator evaluator,
                                           RuntimeListener listener, CheckpointStore store) {
        return start(run, fresh, opts, evaluator, listener, store, CoordinatorMetrics.NONE);
    }

    /** {@link #start(RunDefinition, Coordinator, RuntimeOptions, Evaluator, RuntimeListener, CheckpointStore)}, monitored. */
    public static CoordinatorRuntime start(RunDefinition run, Coordinator fresh, RuntimeOptions opts, Evaluator evaluator,
                                           RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics) {
        return start(run, fresh, opts, evaluator, listener, store, metrics, Clock.SYSTEM);
    }

    /** The same, timed by {@code clock} (tests drive session timeouts and the run's clock with it). */
    static CoordinatorRuntime start(RunDefinition run, Coordinator fresh, RuntimeOptions opts, Evaluator evaluator,
                                    RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics, Clock clock) {
        return start(MemoryBound.of(run, fresh.config(), opts, Runtime.getRuntime().maxMemory()), run, fresh, opts, evaluator, listener, store,
                metrics, clock);
    }

    /** {@link #start(RunDefinition, Coordinator, RuntimeOptions, Evaluator, RuntimeListener, CheckpointStore, CoordinatorMetrics)} with the bound the caller made of the same run and options. */
    public static CoordinatorRuntime start(MemoryBound bound, RunDefinition run, Coordinator fresh, RuntimeOptions opts, Evaluator evaluator,
                                           RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics) {
        return start(bound, run, fresh, opts, evaluator, listener, store, metrics, Clock.SYSTEM);
    }

    private static CoordinatorRuntime start(MemoryBound bound, RunDefinition run, Coordinator fresh, RuntimeOptions opts, Evaluator evaluator,
                                            RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics, Clock clock) {
        bound.require();
        RuntimeState st = new RuntimeState(fresh, fresh.config(), run.configToml());
        CoordinatorRuntime rt = new CoordinatorRuntime(run, st, opts, bound, evaluator, listener, store, metrics, clock);
        if (evaluator != null) {
            EvalResult r = evaluator.evaluate(fresh.thetaVector().toArray());
            st.initialEval = r;
            st.lastEval = r;
            st.lastEvalVersion = fresh.version();
            listener.metric(new Metric.Eval(0, fresh.version(), r.loss(), r.bitsPerByte(), 0, 0, 0));
            metrics.evaluated(fresh.version(), r.loss());
        }
        st.nextEvalTokens = opts.evalEveryTokens();
        rt.loop.start();
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
        return resume(MemoryBound.of(run, c.state().config(), opts, Runtime.getRuntime().maxMemory()), run, c, opts, evaluator, listener, store,
                metrics);
    }

    /** {@link #resume(RunDefinition, CheckpointStore.Checkpoint, RuntimeOptions, Evaluator, RuntimeListener, CheckpointStore, CoordinatorMetrics)} with the bound the caller made of the same run and options. */
    public static CoordinatorRuntime resume(MemoryBound bound, RunDefinition run, CheckpointStore.Checkpoint c, RuntimeOptions opts,
                                            Evaluator evaluator, RuntimeListener listener, CheckpointStore store, CoordinatorMetrics metrics)
            throws IOException {
        bound.require();
        RuntimeState st = RuntimeState.read(c.state(), run.plan());
        if (!st.configToml.equals(run.configToml())) {
            throw new IOException("the checkpoint belongs to a run with another configuration; start it with the config it was saved with");
        }
        st.restarts++;
        CoordinatorRuntime rt = new CoordinatorRuntime(run, st, opts, bound, evaluator, listener, store, metrics, Clock.SYSTEM);
        rt.loop.start();
        rt.loop.onLoop(rt.loop::resumed);
        return rt;
    }

    // ---- public: the job and tools ----------------------------------------------------------------

    /** The run's clock: wall seconds since the run started, continued across restarts. */
    public double now() {
        return open().now();
    }

    public RunDefinition run() {
        return run;
    }

    public RuntimeOptions options() {
        return opts;
    }

    /** Bytes the server counted on the wire; install with {@code WireCounter.serverTracer()}. */
    public WireCounter wire() {
        return open().wire;
    }

    /** Completes when the run ends (finished, or stopped with a checkpoint). Once closed: failed, the totals are no longer kept. */
    public CompletableFuture<RunTotals> end() {
        RunLoop l = loop;
        return l != null ? l.end : CompletableFuture.failedFuture(closed());
    }

    /** Runs {@code f} on the event loop (between events) and waits for its result: for tests and tools. */
    public <T> T query(Function<Coordinator, T> f) {
        open();
        return ask(l -> f.apply(l.coordinator)).join();
    }

    /** The encoded θ snapshots kept for pulls, and their budget (read on the event loop). */
    public ThetaSnapshots snapshots() {
        RunLoop l = open();
        return query(c -> {
            ThetaStore t = l.thetas;
            return new ThetaSnapshots(t.budget(), t.bytes(), t.count(), t.peakBytes(), t.peakCount(), l.pulls.waiting(), l.pulls.servedNewer());
        });
    }

    /**
     * Stops the run where it is, with a checkpoint to continue from (Ctrl-C). Workers are not told
     * to stop: they keep trying to reconnect and rejoin the restarted coordinator.
     */
    public CompletableFuture<RunTotals> stop(String reason) {
        RunLoop l = open();
        l.onLoop(() -> l.stop(reason), l.end);
        return l.end;
    }

    /** Stops the runtime's threads and lets go of its state (θ, the optimizer's, the sessions'): see {@link #loop}. */
    @Override
    public void close() {
        RunLoop l = loop;
        if (l == null) return;
        l.close();
        loop = null;
    }

    private RunLoop open() {
        RunLoop l = loop;
        if (l == null) throw closed();
        return l;
    }

    private static IllegalStateException closed() {
        return new IllegalStateException("the coordinator runtime is closed");
    }

    /** {@link #ask(Function, Class)} where anything the task throws is an internal error that stops the loop. */
    private <T> CompletableFuture<T> ask(Function<RunLoop, T> task) {
        return ask(task, null);
    }

    /**
     * Runs {@code task} on the loop, its result in the future; failed at once when the runtime is closed.
     * An exception of type {@code declined} fails only the future (the caller's answer, not the loop's
     * trouble); any other stops the loop as an internal error ({@link RuntimeThreads#loop}).
     */
    private <T> CompletableFuture<T> ask(Function<RunLoop, T> task, Class<? extends RuntimeException> declined) {
        CompletableFuture<T> f = new CompletableFuture<>();
        RunLoop l = loop;
        if (l == null) {
            f.completeExceptionally(closed());
            return f;
        }
        l.onLoop(() -> {
            try {
                f.complete(task.apply(l));
            } catch (RuntimeException e) {
                if (declined == null || !declined.isInstance(e)) throw e;
                f.completeExceptionally(e);
            }
        }, f);
        return f;
    }

    /** Runs {@code r} on the loop; dropped once the runtime is closed (a call the transport was still finishing). */
    private void onLoop(java.util.function.Consumer<RunLoop> r) {
        RunLoop l = loop;
        if (l != null) l.onLoop(() -> r.accept(l));
    }

    // ---- what the transport calls (any thread) --------------------------------------------------

    /** The live session a message names, or null. */
    Session session(SessionRef ref) {
        RunLoop l = loop;
        return l == null ? null : l.sessions.lookup(ref);
    }

    /** Why {@link #session} found nothing. */
    String unknown(SessionRef ref) {
        RunLoop l = loop;
        return l == null ? "the coordinator has shut down" : l.sessions.unknown(ref);
    }

    /**
     * Decides a join on the loop. Called on the join call's thread: its gRPC context, cancelled when the
     * caller's deadline passes or it hangs up, is checked once the loop gets to the join ({@link RunLoop#abandoned}).
     */
    CompletableFuture<JoinReply> join(JoinRequest r, Caller caller) {
        Context call = Context.current();
        return ask(l -> {
            if (!call.isCancelled()) return l.admit(r, caller);
            l.abandoned(r);
            throw new JoinAbandoned();
        }, JoinAbandoned.class);
    }

    /** A join whose caller gave up before the loop got to it: its future fails with this, nothing else happens. */
    private static final class JoinAbandoned extends IllegalStateException {
        JoinAbandoned() {
            super("the join was given up before it was decided");
        }
    }

    /** The credentials of {@code names} were revoked: their sessions are evicted. Any thread. */
    void revoked(Set<String> names) {
        onLoop(l -> l.revoke(names));
    }

    static JoinReply refusal(Refusal code, String reason) {
        return RunLoop.refusal(code, reason);
    }

    void subscribe(Session s, long afterSeq, ServerCallStreamObserver<Order> obs) {
        onLoop(l -> {
            if (s.ended) {
                obs.onError(Status.NOT_FOUND.withDescription("session " + s + " has ended; join again").asRuntimeException());
            } else if (!s.attach(obs, afterSeq)) {
                l.lost(s, "resubscribed after order " + afterSeq + ", but the orders after it are no longer kept");
            }
        });
    }

    void unsubscribed(Session s, ServerCallStreamObserver<Order> obs) {
        onLoop(l -> s.detach(obs));
    }

    /** {@code s} pulls snapshot {@code id} from byte {@code offset}, or (id 0) the newest θ its order may have ({@link Pulls}). */
    void pull(Session s, long id, long offset, Pulls.Pull p) {
        onLoop(l -> l.pulls.request(s, id, offset, p));
    }

    /** Pull {@code p} of {@code e} ended; {@code complete}: the member has all of it. */
    void pullEnded(Session s, Pulls.Pull p, ThetaStore.Entry e, boolean complete) {
        onLoop(l -> l.pulls.ended(s, p, e, complete));
    }

    /** A pull was cancelled before it was given a snapshot. */
    void pullCancelled(Pulls.Pull p) {
        onLoop(l -> l.pulls.cancelled(p));
    }

    /**
     * Hands a push to the loop; its answer may wait for the next push's event, whose pass over θ its
     * step then shares ({@link DeferredReplies}).
     */
    CompletableFuture<PushReply> delta(Session s, DeltaHeader h, EncodedSource data) {
        CompletableFuture<PushReply> answer = new CompletableFuture<>();
        RunLoop l = loop;
        if (l == null) {
            answer.completeExceptionally(closed());
            return answer;
        }
        l.replies.queued();
        l.onLoop(() -> l.replies.handle(() -> {
            try {
                return l.pushes.apply(s, h, data);
            } catch (PayloadUnreadable e) {
                // The coordinator's spool, not the worker: UNAVAILABLE (DilocoService.status), retried with the same push id.
                l.listener.log(e.getMessage() + "; the worker will retry the push");
                throw e;
            }
        }, answer, PayloadUnreadable.class), answer);
        return answer;
    }

    /**
     * An upload the transport refused before it reached the coordinator (too large, corrupt,
     * truncated): logged as a rejection, and the member's assignment counts as producing nothing.
     */
    void refused(Session s, DeltaHeader h, String reason, Refusal code) {
        RunLoop l = loop;
        if (l == null) return;
        l.feed.metrics().rejected(RejectReason.of(code));
        l.onLoop(() -> l.pushes.refused(s, h, reason));
    }

    /** An upload the transport refused without a session to charge it to (unknown session, too many in flight, malformed stream). */
    void refusedEarly(Refusal code) {
        RunLoop l = loop;
        if (l != null) l.feed.metrics().rejected(RejectReason.of(code));
    }

    /** A reading of the runtime's clock (0 once closed): when a push's last byte arrived, for {@link #answered}. */
    long nanos() {
        RunLoop l = loop;
        return l == null ? 0 : l.nanos();
    }

    /** A push was answered; its last byte arrived at {@code arrived}, a {@link #nanos} reading. Any thread. */
    void answered(long arrived) {
        RunLoop l = loop;
        if (l != null) l.feed.metrics().pushAnswered(Math.max(0, (l.nanos() - arrived) / 1e9));
    }

    /**
     * A heartbeat of {@code s}: its totals are checked here ({@link Reports}), and an implausible
     * report's totals are dropped before the loop sees it (its segments and final flag still count).
     *
     * @return why its totals were refused, or null
     */
    String heartbeat(Session s, HeartbeatRequest r) {
        s.touch();
        RunLoop l = loop;
        if (l == null) return null;
        String lie = null;
        HeartbeatRequest req = r;
        if (r.hasStats() && s.reports != null) {
            double now = l.now();
            lie = s.reports.check(r.getStats(), now);
            if (lie != null) {
                req = r.toBuilder().clearStats().build();
                int unlogged = s.reports.logNow(now);
                if (unlogged >= 0) {
                    log("refused the totals of " + s + " (IMPLAUSIBLE): " + lie + "; its last plausible totals stand"
                            + (unlogged > 0 ? " (" + unlogged + " more refused since the last such line)" : ""));
                }
            }
        }
        if (!req.hasStats() && req.getSegmentsCount() == 0 && !req.getFinal()) return lie;
        HeartbeatRequest accepted = req;
        l.onLoop(() -> l.report(s, accepted));
        return lie;
    }

    void leave(Session s) {
        onLoop(l -> l.leave(s));
    }

    /** Transport-level trouble worth the operator's attention (refused calls, broken uploads). */
    void log(String line) {
        onLoop(l -> l.listener.log(line));
    }

    /**
     * Ends every session's order stream (they are long-lived calls a server shutdown would otherwise
     * wait for). Workers that are still running see the stream end and try to reconnect.
     */
    void closeSessions() {
        RunLoop l = loop;
        if (l == null) return;
        CompletableFuture<Void> done = new CompletableFuture<>();
        l.onLoop(() -> {
            // Ended like any session, so the monitoring no longer counts them as connected.
            for (Session s : l.sessions.all()) l.sessions.end(s, null);
            done.complete(null);
        }, done);
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The loop is gone or stuck: the server's own shutdown will cut the streams.
        }
    }
}
