package org.diloco4j.net.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.coord.Refusal;
import org.diloco4j.core.coord.Snapshot;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.core.train.TrainTally;
import org.diloco4j.core.worker.Outgoing;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.HeartbeatReply;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.Segment;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.ThetaRef;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.Refusals;
import org.diloco4j.net.wire.RunDefinition;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * One admission to the run, from the join reply until the run stops, the session is lost or the
 * process leaves: heartbeats (with the worker's accounting), the subscription to orders, and the
 * assignments themselves — pull θ, train, push the pseudo-gradient (streaming assignments are run
 * by {@link StreamingLoop}).
 */
final class Membership {
    private final WorkerRuntime worker;
    private final WorkerClient client;
    private final RunDefinition run;
    private final Accounting acct;
    final SessionRef ref;
    final String name;
    private final double heartbeat;
    private final double sessionTimeout;
    private final Codec downCodec;
    final LinkedBlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService beats;
    private final ExecutorService fetcher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastSeq;
    private volatile long lastHeard = System.nanoTime();
    private volatile boolean silenceReported;
    private long pushId;

    Membership(WorkerRuntime worker, WorkerClient client, RunDefinition run, Accounting acct, JoinReply reply) {
        this.worker = worker;
        this.client = client;
        this.run = run;
        this.acct = acct;
        this.ref = reply.getSession();
        this.name = reply.getName();
        this.heartbeat = reply.getHeartbeatSeconds();
        this.sessionTimeout = reply.getSessionTimeoutSeconds();
        this.downCodec = Codecs.parse(run.downCodec());
        this.beats = Executors.newSingleThreadScheduledExecutor(daemon("diloco-heartbeat"));
        this.fetcher = Executors.newSingleThreadExecutor(daemon("diloco-fetch"));
        acct.align(reply.getCoordinatorTime());
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    RunDefinition definition() {
        return run;
    }

    Accounting accounting() {
        return acct;
    }

    WorkerRuntime worker() {
        return worker;
    }

    /** Runs until the membership ends. */
    Ending participate() {
        long period = Math.max(10, (long) (heartbeat * 1000));
        beats.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        subscribe();
        try {
            while (true) {
                Signal s = next(200);
                if (s == null) {
                    if (worker.leaving()) return Ending.leave();
                    continue;
                }
                Ending e = handle(s);
                if (e != null) return e;
            }
        } finally {
            close();
        }
    }

    /** The next signal, waiting up to {@code millis}; null on timeout or interruption. */
    Signal next(long millis) {
        try {
            return signals.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Ending handle(Signal s) {
        return switch (s) {
            case Signal.Ord o -> order(o.order());
            case Signal.Broken b -> broken(b);
            case Signal.Arrived a -> {
                worker.log("fragment " + a.order().getFragment() + " arrived outside a streaming assignment; ignored");
                yield null;
            }
        };
    }

    private Ending order(Order o) {
        return switch (o.getKindCase()) {
            case TRAIN -> {
                TrainOrder t = latestTrain(o.getTrain());
                yield t.getOpenEnded() ? new StreamingLoop(this).run(t) : assignment(t);
            }
            case FRAGMENT -> {
                worker.log("fragment order outside a streaming assignment; ignored");
                yield null;
            }
            default -> control(o);
        };
    }

    /** Handles orders that are not work (reject, evict, stop); null for work orders. */
    Ending control(Order o) {
        return switch (o.getKindCase()) {
            case REJECT -> {
                worker.log("coordinator rejected a message: " + o.getReject().getReason());
                yield null;
            }
            case EVICT -> Ending.rejoin("evicted: " + o.getEvict().getReason());
            case STOP -> Ending.stop(o.getStop().getReason());
            default -> null;
        };
    }

    /** Handles trouble: rejoin if the session is surely gone, else resubscribe (a queued stop wins: the run is over). */
    Ending broken(Signal.Broken b) {
        Ending stop = queuedStop();
        if (stop != null) return stop;
        if (b.rejoin()) return Ending.rejoin(b.reason());
        double silent = (System.nanoTime() - lastHeard) / 1e9;
        if (silent > sessionTimeout) return Ending.rejoin(b.reason() + "; nothing heard for " + fmt(silent) + " s");
        worker.pause(Math.min(1.0, heartbeat));
        client.reconnectNow();
        subscribe();
        return null;
    }

    /** If more train orders are queued behind this one, the newest is the assignment that counts. */
    private TrainOrder latestTrain(TrainOrder t) {
        TrainOrder latest = t;
        for (Iterator<Signal> it = signals.iterator(); it.hasNext(); ) {
            if (it.next() instanceof Signal.Ord o && o.order().hasTrain()) {
                it.remove();
                latest = o.order().getTrain();
            }
        }
        return latest;
    }

    /** Takes a queued stop out of order, if there is one. */
    private Ending queuedStop() {
        for (Iterator<Signal> it = signals.iterator(); it.hasNext(); ) {
            if (it.next() instanceof Signal.Ord o && o.order().hasStop()) {
                it.remove();
                return Ending.stop(o.order().getStop().getReason());
            }
        }
        return null;
    }

    /** Takes a queued stop, eviction or lost session out of order: they pre-empt work (a stop first). */
    Ending urgent() {
        Ending stop = queuedStop();
        if (stop != null) return stop;
        for (Iterator<Signal> it = signals.iterator(); it.hasNext(); ) {
            Signal s = it.next();
            Ending e = null;
            if (s instanceof Signal.Ord o && (o.order().hasStop() || o.order().hasEvict())) e = control(o.order());
            else if (s instanceof Signal.Broken b && b.rejoin()) e = Ending.rejoin(b.reason());
            if (e != null) {
                it.remove();
                return e;
            }
        }
        return worker.leaving() ? Ending.leave() : null;
    }

    // ---- one assignment (not streaming) ---------------------------------------------------------

    private Ending assignment(TrainOrder t) {
        // Building the trainer (the first time) is set-up, not communication: it happens before the pull.
        Replica replica = worker.replicaFor(run, t.getShard());
        acct.to(Accounting.Kind.COMMUNICATE);
        float[] theta;
        try {
            theta = pull(t.getTheta());
        } catch (StatusRuntimeException e) {
            return pullFailed(t, e);
        }
        replica.start(trainCommand(t), theta);
        worker.metrics().thetaVersion(t.getVersion());
        acct.to(Accounting.Kind.COMPUTE);
        long t0 = System.nanoTime();
        TrainReport r = replica.train(t.getSteps());
        double seconds = (System.nanoTime() - t0) / 1e9;
        acct.trained(r, seconds);
        acct.to(Accounting.Kind.COMMUNICATE);
        Ending e = urgent();
        if (e != null) return e;
        Outgoing out = replica.delta(0);
        e = push(replica, header(0, t.getVersion(), TrainTally.of(r, seconds), out), out, this::urgent);
        acct.to(Accounting.Kind.IDLE);
        return e;
    }

    /** A pull that failed ends the membership — unless a stop that explains it is already queued. */
    Ending pullFailed(TrainOrder t, StatusRuntimeException e) {
        Ending u = urgent();
        return u != null ? u : Ending.rejoin("could not pull θ v" + t.getVersion() + ": " + describe(e.getStatus()));
    }

    Command.Train trainCommand(TrainOrder t) {
        long[] rounds = t.getRoundsCount() == 0 ? null : t.getRoundsList().stream().mapToLong(Long::longValue).toArray();
        int steps = t.getOpenEnded() ? Command.Train.OPEN_ENDED : t.getSteps();
        GlobalProgress progress = t.getProgressRate() > 0 && Double.isFinite(t.getProgressRate())
                && t.getProgressTokens() >= 0 && Double.isFinite(t.getProgressTokens())
                ? new GlobalProgress(t.getProgressTokens(), t.getProgressRate()) : null;
        return new Command.Train(ref.getMember(), ref.getGeneration(), t.getVersion(), steps, t.getShard(),
                new Snapshot(t.getVersion(), -1, run.modelSize(), null), rounds, progress);
    }

    /** Pulls and decodes θ (or a fragment) an order names. */
    float[] pull(ThetaRef r) {
        if (r.getFloats() != (r.getFragment() < 0 ? run.modelSize() : run.plan().fragment(r.getFragment()).size())) {
            throw Status.INVALID_ARGUMENT.withDescription("θ " + r.getId() + " has " + r.getFloats() + " floats, not what the run's plan says")
                    .asRuntimeException();
        }
        byte[] bytes = client.pull(ref, r, 5);
        acct.received(bytes.length);
        worker.metrics().pulled();
        return downCodec.decode(bytes, r.getFloats());
    }

    /**
     * The push header of {@code out}: its payload's codec, size and CRC32C, or, if withheld, the
     * reason and no data; with the training it summarises (for the coordinator's train-loss sample).
     */
    DeltaHeader header(int fragment, long base, TrainTally trained, Outgoing out) {
        byte[] data = data(out);
        CRC32C crc = new CRC32C();
        crc.update(data);
        double loss = trained.meanLoss();
        DeltaHeader.Builder h = DeltaHeader.newBuilder().setSession(ref).setPushId(++pushId).setBaseVersion(base).setFragment(fragment)
                .setSteps(trained.steps()).setTokens(trained.tokens()).setComputeSeconds(trained.seconds()).setCodec(run.upCodecOf(fragment))
                .setSize(data.length).setCrc32C((int) crc.getValue()).setTrainLoss(Double.isFinite(loss) ? loss : Double.NaN)
                .setWorkerStep(acct.steps());
        if (Double.isFinite(trained.lastLr())) h.setInnerLr(trained.lastLr());
        if (Double.isFinite(trained.meanGradNorm())) h.setGradNorm(trained.meanGradNorm());
        if (out instanceof Outgoing.Withheld(String reason)) {
            h.setWithheld(reason.length() <= Limits.MAX_REASON ? reason : reason.substring(0, Limits.MAX_REASON));
        }
        return h.build();
    }

    private static byte[] data(Outgoing out) {
        return switch (out) {
            case Outgoing.Send(Payload.Bytes b) -> b.data();
            case Outgoing.Send s -> throw new IllegalStateException("a network worker has a real model, not a phantom payload");
            case Outgoing.Withheld w -> new byte[0];
        };
    }

    /**
     * Delivers a pseudo-gradient (or the notice that it is withheld), retrying transfers that fail
     * with the same push id (the coordinator answers a repeat without applying it twice), and settles
     * it with the replica: reached θ only if the coordinator says it was applied. A push given up on
     * counts as not applied (a reply lost after the coordinator applied it is the one case this gets
     * wrong; the residual is then off by that message's quantization error).
     *
     * @param abandon asked between retries: an ending there stops the retries and is returned
     * @return how the membership must end, or null to carry on
     */
    Ending push(Replica replica, DeltaHeader h, Outgoing out, Supplier<Ending> abandon) {
        boolean applied = false;
        try {
            byte[] data = data(out);
            if (out instanceof Outgoing.Withheld(String reason)) worker.log(reason);
            Backoff backoff = new Backoff(0.2, 5);
            while (true) {
                try {
                    PushReply reply = client.push(h, data, run.chunkBytes());
                    acct.sent(data.length);
                    worker.metrics().pushed(reply.getAccepted());
                    applied = reply.getAccepted() && reply.getApplied();
                    if (!reply.getAccepted()) {
                        worker.log("pseudo-gradient (fragment " + h.getFragment() + ", from v" + h.getBaseVersion() + ") rejected: " + reply.getReason());
                        if (Refusals.fromProto(reply.getRefusal()) == Refusal.NOT_A_MEMBER) return Ending.rejoin(reply.getReason());
                    } else if (!reply.getReason().isEmpty()) {
                        worker.log(reply.getReason());
                    }
                    return null;
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) return Ending.rejoin("push refused: " + describe(e.getStatus()));
                    if (backoff.failingFor() > sessionTimeout) return Ending.rejoin("could not deliver a pseudo-gradient for " + fmt(backoff.failingFor()) + " s: " + describe(e.getStatus()));
                    Ending stop = abandon.get();
                    if (stop != null) return stop;
                    worker.pause(backoff.next());
                    client.reconnectNow();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Ending.leave();
                }
            }
        } finally {
            replica.settle(h.getFragment(), applied);
        }
    }

    /** Streaming: pulls a fragment in the background; it arrives as a signal. */
    void fetch(FragmentOrder f) {
        fetcher.execute(() -> {
            try {
                signals.add(new Signal.Arrived(f, pull(f.getValues())));
            } catch (StatusRuntimeException e) {
                signals.add(new Signal.Broken("could not pull fragment " + f.getFragment() + " round " + f.getRound() + ": " + describe(e.getStatus()), true));
            }
        });
    }

    // ---- session upkeep -------------------------------------------------------------------------

    private void subscribe() {
        if (closed.get()) return;
        client.subscribe(ref, lastSeq, new StreamObserver<>() {
            @Override
            public void onNext(Order o) {
                lastHeard = System.nanoTime();
                lastSeq = Math.max(lastSeq, o.getSeq());
                if (o.hasFragment()) fetch(o.getFragment());
                else signals.add(new Signal.Ord(o));
            }

            @Override
            public void onError(Throwable t) {
                if (closed.get()) return;
                Status s = Status.fromThrowable(t);
                signals.add(new Signal.Broken("order stream broke: " + describe(s), s.getCode() == Status.Code.NOT_FOUND));
            }

            @Override
            public void onCompleted() {
                if (!closed.get()) signals.add(new Signal.Broken("the coordinator closed the order stream", false));
            }
        });
    }

    private void beat() {
        if (closed.get()) return;
        List<Segment> segs = acct.drain(Limits.MAX_SEGMENTS / 2);
        try {
            HeartbeatReply r = client.heartbeat(HeartbeatRequest.newBuilder().setSession(ref).setStats(acct.stats()).addAllSegments(segs).build(),
                    Math.max(1, sessionTimeout / 2));
            lastHeard = System.nanoTime();
            silenceReported = false;
            if (!r.getKnown()) signals.add(new Signal.Broken("the coordinator does not know this session: " + r.getReason(), true));
        } catch (StatusRuntimeException e) {
            acct.putBack(segs);
            double silent = (System.nanoTime() - lastHeard) / 1e9;
            if (silent > sessionTimeout && !silenceReported) {
                silenceReported = true;
                signals.add(new Signal.Broken("no answer to heartbeats for " + fmt(silent) + " s (" + e.getStatus().getCode() + ")", true));
            }
        } catch (RuntimeException e) {
            acct.putBack(segs);
            worker.log("heartbeat failed: " + e);
        }
    }

    /** Sends the final totals (when the run stopped or this worker leaves), best effort. */
    void finalReport() {
        acct.to(Accounting.Kind.IDLE);
        List<Segment> segs = acct.drain(Limits.MAX_SEGMENTS);
        try {
            client.heartbeat(HeartbeatRequest.newBuilder().setSession(ref).setStats(acct.stats()).addAllSegments(segs).setFinal(true).build(), 5);
        } catch (StatusRuntimeException e) {
            worker.log("could not send the final totals: " + describe(e.getStatus()));
        }
    }

    /** Leaves the run on purpose (best effort). */
    void leave() {
        try {
            client.leave(ref);
        } catch (StatusRuntimeException e) {
            worker.log("could not say goodbye: " + describe(e.getStatus()));
        }
    }

    boolean closed() {
        return closed.get();
    }

    private void close() {
        if (!closed.compareAndSet(false, true)) return;
        beats.shutdown();
        fetcher.shutdownNow();
        try {
            // A heartbeat in flight finishes first, so it cannot overtake the final report.
            if (!beats.awaitTermination(2, TimeUnit.SECONDS)) beats.shutdownNow();
        } catch (InterruptedException e) {
            beats.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** A status for a log line: its code and description, without the cause's stack trace. */
    static String describe(Status s) {
        return s.getDescription() == null ? s.getCode().toString() : s.getCode() + " (" + s.getDescription() + ")";
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
