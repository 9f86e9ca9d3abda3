package org.diloco4j.net.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.diloco4j.core.coord.Refusal;
import org.diloco4j.core.time.Clock;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.net.metrics.WorkerMetrics;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.WorkerStats;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.Refusals;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.net.wire.RunSpecs;

import java.util.function.Consumer;

/**
 * A worker process's life in a run: join (retrying with exponential backoff while the coordinator
 * is unreachable), take part until the run stops, and join again whenever the session is lost
 * (coordinator restarted, worker evicted or silent too long). The model replica — trainer, inner
 * optimizer state, data position — survives rejoins; only θ is replaced by what the coordinator
 * sends.
 */
public final class WorkerRuntime implements AutoCloseable {
    /** Why {@link #run} returned. */
    public enum Exit {
        /** The run is over. */
        STOPPED,
        /** The coordinator refused this worker (wrong token, invalid request, not admitted). */
        REFUSED,
        /** The coordinator stayed unreachable for longer than the reconnect timeout. */
        GAVE_UP,
        /**
         * The connection cannot work as the two ends are set up (TLS on one only, a certificate this
         * worker does not accept): given up at once, as retrying cannot mend it.
         */
        MISCONFIGURED,
        /** This process was asked to leave. */
        LEFT
    }

    public record Outcome(Exit exit, String reason) {
    }

    private final WorkerClient client;
    private final WorkerOptions opts;
    private final TrainerProvider provider;
    private final Consumer<String> log;
    private final WorkerMetrics metrics;
    private final Accounting acct;
    private final Clock clock;
    private volatile boolean leaving;
    private final java.util.concurrent.CountDownLatch left = new java.util.concurrent.CountDownLatch(1);
    private volatile Participation current;
    private volatile Replica replica;
    private RunDefinition replicaRun;
    private int replicaShard;

    public WorkerRuntime(WorkerClient client, WorkerOptions opts, TrainerProvider provider, Consumer<String> log) {
        this(client, opts, provider, log, WorkerMetrics.NONE);
    }

    public WorkerRuntime(WorkerClient client, WorkerOptions opts, TrainerProvider provider, Consumer<String> log, WorkerMetrics metrics) {
        this(client, opts, provider, log, metrics, Clock.SYSTEM);
    }

    /** @param clock the worker's monotonic time: its accounting, backoff, session silence and training durations */
    public WorkerRuntime(WorkerClient client, WorkerOptions opts, TrainerProvider provider, Consumer<String> log, WorkerMetrics metrics, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.opts = opts;
        this.provider = provider;
        this.log = log;
        this.metrics = metrics;
        this.acct = new Accounting(metrics, clock);
        metrics.attach(acct::stats, client.wire());
    }

    /** Takes part until the run stops, this worker is refused or cannot connect as set up, gives up reconnecting, or leaves. */
    public Outcome run() {
        Outcome o = participate();
        metrics.ended();
        return o;
    }

    private Outcome participate() {
        // At least ~10 tries within the reconnect timeout, at most MAX_RECONNECT_WAIT_SECONDS apart.
        Backoff backoff = new Backoff(0.25, Math.max(0.5, Math.min(Limits.MAX_RECONNECT_WAIT_SECONDS, opts.reconnectTimeoutSeconds() / 10)), clock);
        while (true) {
            if (leaving) return new Outcome(Exit.LEFT, "asked to leave");
            JoinReply reply;
            try {
                reply = client.join(request());
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.INVALID_ARGUMENT || code == Status.Code.PERMISSION_DENIED) {
                    return new Outcome(Exit.REFUSED, "join refused: " + e.getStatus().getDescription());
                }
                java.util.Optional<Fault> fault = client.fault(e);
                if (fault.isPresent()) return new Outcome(Exit.MISCONFIGURED, fault.get().line());
                if (backoff.failingFor() > opts.reconnectTimeoutSeconds()) {
                    return new Outcome(Exit.GAVE_UP, "coordinator unreachable for " + GrpcSession.fmt(backoff.failingFor()) + " s: "
                            + GrpcSession.describe(e.getStatus()));
                }
                double wait = backoff.next();
                if (backoff.attempts() == 1 || backoff.attempts() % 10 == 0) {
                    log("coordinator unreachable (" + code + "); retrying with backoff, next in " + GrpcSession.fmt(wait) + " s");
                }
                pause(wait);
                client.reconnectNow();
                continue;
            }
            if (!reply.getAdmitted() && Refusals.fromProto(reply.getRefusal()) == Refusal.FULL) {
                // The run has its maximum of members, or this address joined too often: both pass, so
                // wait with the same backoff as for an unreachable coordinator, as long as for one.
                if (backoff.failingFor() > opts.reconnectTimeoutSeconds()) {
                    return new Outcome(Exit.REFUSED, "the coordinator stayed full for " + GrpcSession.fmt(backoff.failingFor()) + " s: "
                            + reply.getReason());
                }
                double wait = backoff.next();
                if (backoff.attempts() == 1 || backoff.attempts() % 10 == 0) {
                    log("not admitted yet: " + reply.getReason() + "; retrying with backoff, next in " + GrpcSession.fmt(wait) + " s");
                }
                pause(wait);
                continue;
            }
            if (!reply.getAdmitted()) {
                return Refusals.fromProto(reply.getRefusal()) == Refusal.RUN_OVER ? new Outcome(Exit.STOPPED, reply.getReason())
                        : new Outcome(Exit.REFUSED, "not admitted: " + reply.getReason());
            }
            backoff.reset();
            RunDefinition run;
            try {
                run = RunSpecs.fromProto(reply.getRun());
            } catch (IllegalArgumentException e) {
                return new Outcome(Exit.REFUSED, "the coordinator sent an unusable run definition: " + e.getMessage());
            }
            try {
                run.modelArraySize(); // θ, its replica and the pulls are float[]s here: a larger model is refused now, not overflowed later
            } catch (IllegalArgumentException e) {
                return new Outcome(Exit.REFUSED, "this worker cannot take part: " + e.getMessage());
            }
            log("joined as " + reply.getName() + " (member " + reply.getSession().getMember() + ", generation "
                    + reply.getSession().getGeneration() + ", θ v" + reply.getThetaVersion() + ")");
            Participation m = new Participation(this, client, run, acct, reply);
            metrics.joined(reply.getName());
            current = m;
            Ending end = m.participate();
            current = null;
            switch (end.kind()) {
                case STOP -> {
                    m.finalReport();
                    log("run over: " + end.reason());
                    return new Outcome(Exit.STOPPED, end.reason());
                }
                case LEAVE -> {
                    m.finalReport();
                    m.leave();
                    return new Outcome(Exit.LEFT, end.reason());
                }
                case REJOIN -> {
                    metrics.rejoining();
                    log("rejoining: " + end.reason());
                    pause(backoff.next());
                    client.reconnectNow();
                }
            }
        }
    }

    private JoinRequest request() {
        int shard = opts.shard() >= 0 ? opts.shard() : replica != null ? replicaShard : -1;
        return JoinRequest.newBuilder().setName(opts.name()).setShard(shard).setThreads(opts.threads()).setInstance(opts.instance())
                .setProtocol(org.diloco4j.net.wire.Limits.PROTOCOL).build();
    }

    /**
     * The replica for this run: kept across assignments, shards and rejoins, rebuilt only if the run
     * changed (the inner optimizer state then starts over). A new shard is switched to by the
     * replica when the assignment starts ({@link Replica#start}): the trainer reads every shard, and
     * its AdamW state carries over, as in the simulator.
     */
    Replica replicaFor(RunDefinition run, int shard) {
        if (replica != null && sameRun(replicaRun, run)) return replica;
        if (replica != null) {
            log("the run changed: building a new trainer");
            replica.close();
            replica = null;
        }
        InnerTrainer t = provider.create(run, shard, opts.threads());
        if (opts.stepDelayMillis() > 0) t = new DelayedTrainer(t, opts.stepDelayMillis());
        replica = new Replica(t, shard, run.plan(), run.upCodec().toArray(String[]::new), run.errorFeedback());
        replicaRun = run;
        replicaShard = shard;
        return replica;
    }

    private static boolean sameRun(RunDefinition a, RunDefinition b) {
        return a.configToml().equals(b.configToml()) && a.plan().equals(b.plan()) && a.upCodec().equals(b.upCodec())
                && a.errorFeedback() == b.errorFeedback();
    }

    /** Asks the worker to leave the run at the next opportunity (e.g. from a shutdown hook). */
    public void leave() {
        leaving = true;
        left.countDown();
    }

    /** Waits, but no longer than until {@link #leave} is called. */
    void pause(double seconds) {
        try {
            left.await((long) (seconds * 1000), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean leaving() {
        return leaving;
    }

    /** The clock everything in this worker measures time with. */
    Clock clock() {
        return clock;
    }

    WorkerMetrics metrics() {
        return metrics;
    }

    /**
     * A copy of the error-feedback residual this process carries for fragment {@code p}: empty
     * without error feedback or before its first assignment (monitoring, tests).
     */
    public float[] residual(int p) {
        Replica r = replica;
        return r == null ? new float[0] : r.residual(p);
    }

    /** This process's totals so far. */
    public WorkerStats stats() {
        return acct.stats();
    }

    void log(String line) {
        Participation m = current;
        log.accept((m != null ? m.name() : opts.name()) + ": " + line);
    }

    @Override
    public void close() {
        if (replica != null) replica.close();
    }
}
