package org.diloco4j.net.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.diloco4j.core.run.Segment.Kind;
import org.diloco4j.core.time.Clock;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.HeartbeatReply;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.Segment;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.wire.Limits;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A session over gRPC: heartbeats (with the worker's accounting), the subscription to orders
 * (resumed after a broken stream), and the queue of signals the training thread takes them from.
 */
final class GrpcSession extends QueuedSession {
    private final WorkerRuntime worker;
    private final WorkerClient client;
    private final Accounting acct;
    private final Clock clock;
    final SessionRef ref;
    final String name;
    private final double heartbeat;
    private final double sessionTimeout;
    private final ScheduledExecutorService beats;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Consumer<FragmentOrder> fragments = f -> { };
    private volatile long lastSeq;
    private volatile long lastHeard;
    private volatile boolean silenceReported;

    GrpcSession(WorkerRuntime worker, WorkerClient client, Accounting acct, JoinReply reply) {
        this.worker = worker;
        this.client = client;
        this.acct = acct;
        this.clock = worker.clock();
        this.lastHeard = clock.nanos();
        this.ref = reply.getSession();
        this.name = reply.getName();
        this.heartbeat = reply.getHeartbeatSeconds();
        this.sessionTimeout = reply.getSessionTimeoutSeconds();
        this.beats = Executors.newSingleThreadScheduledExecutor(daemon("diloco-heartbeat"));
        acct.align(reply.getCoordinatorTime());
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts heartbeats and the subscription; fragment orders go to {@code fragments} (which fetches them). */
    void start(Consumer<FragmentOrder> fragments) {
        this.fragments = fragments;
        long period = Math.max(10, (long) (heartbeat * 1000));
        beats.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        subscribe();
    }

    double sessionTimeout() {
        return sessionTimeout;
    }

    @Override
    public SessionRef ref() {
        return ref;
    }

    @Override
    public Ending control(Order o) {
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

    /** Rejoins if the session is surely gone, else resubscribes (a queued stop wins: the run is over). */
    @Override
    public Ending broken(Signal.Broken b) {
        Ending stop = queuedStop();
        if (stop != null) return stop;
        if (b.rejoin()) return Ending.rejoin(b.reason());
        double silent = clock.secondsSince(lastHeard);
        if (silent > sessionTimeout) return Ending.rejoin(b.reason() + "; nothing heard for " + fmt(silent) + " s");
        worker.pause(Math.min(1.0, heartbeat));
        client.reconnectNow();
        subscribe();
        return null;
    }

    /** If more train orders are queued behind this one, the newest is the assignment that counts. */
    TrainOrder latestTrain(TrainOrder t) {
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

    @Override
    public Ending urgent() {
        Ending stop = queuedStop();
        if (stop != null) return stop;
        for (Iterator<Signal> it = signals.iterator(); it.hasNext(); ) {
            Signal s = it.next();
            Ending e = null;
            if (s instanceof Signal.Ord o && o.order().hasEvict()) e = control(o.order()); // stops were taken above
            else if (s instanceof Signal.Broken b && b.rejoin()) e = Ending.rejoin(b.reason());
            if (e != null) {
                it.remove();
                return e;
            }
        }
        return worker.leaving() ? Ending.leave() : null;
    }

    private void subscribe() {
        if (closed.get()) return;
        client.subscribe(ref, lastSeq, new StreamObserver<>() {
            @Override
            public void onNext(Order o) {
                lastHeard = clock.nanos();
                lastSeq = Math.max(lastSeq, o.getSeq());
                if (o.hasFragment()) fragments.accept(o.getFragment());
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
            lastHeard = clock.nanos();
            silenceReported = false;
            if (!r.getKnown()) signals.add(new Signal.Broken("the coordinator does not know this session: " + r.getReason(), true));
        } catch (StatusRuntimeException e) {
            acct.putBack(segs);
            double silent = clock.secondsSince(lastHeard);
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
        acct.to(Kind.IDLE);
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

    @Override
    public boolean closed() {
        return closed.get();
    }

    void close() {
        if (!closed.compareAndSet(false, true)) return;
        beats.shutdown();
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
