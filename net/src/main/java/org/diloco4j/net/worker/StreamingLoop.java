package org.diloco4j.net.worker;

import io.grpc.StatusRuntimeException;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.run.Segment.Kind;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.core.train.TrainTally;
import org.diloco4j.core.worker.Outgoing;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.core.worker.StreamingWorker;
import org.diloco4j.core.worker.StreamingWorker.Action;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.wire.RunDefinition;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A streaming worker's open-ended assignment over the network: core's {@link StreamingWorker}
 * decides what happens at each step boundary (send a fragment, merge one, wait for one, train);
 * this class supplies the transport and the time. Sends go out in the background, so training
 * overlaps the upload; while the schedule waits for a late fragment the worker idles on the
 * session's signals, so a stop or an eviction still ends it.
 */
final class StreamingLoop {
    private final WorkerRuntime worker;
    private final WorkerSession session;
    private final Transfers transfers;
    private final RunDefinition run;
    private final Accounting acct;
    /** The schedule: what to send, merge or wait for at each step boundary. */
    private final StreamingWorker<Signal.Arrived> stream;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(GrpcSession.daemon("diloco-push"));
    private Replica replica;
    /** Training since the last push: its steps, tokens and time go in the push's header. */
    private final TrainTally unreported = new TrainTally();
    /** Set when an arrival is the one the schedule waits for. */
    private boolean resumed;

    StreamingLoop(WorkerRuntime worker, WorkerSession session, Transfers transfers, RunDefinition run, Accounting acct) {
        this.worker = worker;
        this.session = session;
        this.transfers = transfers;
        this.run = run;
        this.acct = acct;
        this.stream = new StreamingWorker<>(run.schedule());
    }

    Ending run(TrainOrder t) {
        try {
            replica = worker.replicaFor(run, t.getShard());
            acct.to(Kind.COMMUNICATE);
            float[] theta;
            try {
                // Streaming orders name an exact θ: the version pulled is the order's.
                theta = transfers.pull(t.getTheta()).values();
            } catch (StatusRuntimeException e) {
                return Participation.pullFailed(session, t, e);
            }
            Command.Train cmd = Participation.trainCommand(session.ref(), run, t);
            replica.start(cmd, theta);
            worker.metrics().thetaVersion(t.getVersion());
            stream.start(cmd.rounds());
            while (true) {
                Ending e = drain();
                if (e != null) return e;
                e = boundary();
                if (e != null) return e;
            }
        } finally {
            sender.shutdownNow();
            try {
                // A push under way is interrupted and settles itself; pushes that never started did not reach θ.
                sender.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (replica != null) replica.settleAllLost();
        }
    }

    /** Takes every queued signal without waiting: arrivals go to the inbox; control orders may end the loop. */
    private Ending drain() {
        Signal s;
        while ((s = session.next(0)) != null) {
            Ending e = take(s);
            if (e != null) return e;
        }
        return worker.leaving() ? Ending.leave() : null;
    }

    private Ending take(Signal s) {
        return switch (s) {
            case Signal.Arrived a -> {
                resumed |= stream.arrived(a.order().getFragment(), a);
                yield null;
            }
            case Signal.Broken b -> session.broken(b);
            case Signal.Ord o -> {
                if (o.order().hasTrain()) yield Ending.rejoin("a new assignment arrived during an open-ended one");
                yield session.control(o.order());
            }
        };
    }

    /** Does what the schedule says at this step boundary: send, merge (waiting if due values are late), then train to the next. */
    private Ending boundary() {
        while (true) {
            switch (stream.next()) {
                case Action.Send<Signal.Arrived>(int p) -> send(p);
                case Action.Merge<Signal.Arrived>(int f, Signal.Arrived a) -> merge(a);
                case Action.Wait<Signal.Arrived> w -> {
                    Ending e = awaitArrival();
                    if (e != null) return e;
                }
                case Action.Train<Signal.Arrived>(int n) -> {
                    train(n);
                    return null;
                }
            }
        }
    }

    /** Idles until the fragment the schedule waits for arrives; control orders may end the loop meanwhile. */
    private Ending awaitArrival() {
        acct.to(Kind.IDLE);
        resumed = false;
        while (!resumed) {
            Signal s = session.next(200);
            Ending e = s != null ? take(s) : worker.leaving() ? Ending.leave() : null;
            if (e != null) return e;
        }
        return null;
    }

    private void send(int p) {
        Outgoing out = replica.delta(p);
        DeltaHeader h = transfers.header(p, replica.round(p), replica.assignment(p), unreported, out);
        unreported.reset();
        sender.execute(() -> {
            Ending e = transfers.push(replica, h, out, () -> session.closed() ? Ending.leave() : null);
            if (e != null && e.kind() == Ending.Kind.REJOIN) session.post(new Signal.Broken(e.reason(), true));
        });
    }

    private void merge(Signal.Arrived a) {
        FragmentOrder o = a.order();
        replica.merge(new Command.ApplyFragment(session.ref().getMember(), o.getFragment(), o.getRound(), null, o.getAlpha(), o.getAssignment()), a.values());
    }

    private void train(int n) {
        acct.to(Kind.COMPUTE);
        long t0 = worker.clock().nanos();
        TrainReport r = replica.train(n);
        double seconds = worker.clock().secondsSince(t0);
        unreported.add(r, seconds);
        stream.stepsDone(n);
        acct.trained(r, seconds);
    }
}
