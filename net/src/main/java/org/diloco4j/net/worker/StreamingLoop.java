package org.diloco4j.net.worker;

import io.grpc.StatusRuntimeException;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.core.train.TrainTally;
import org.diloco4j.core.worker.Outgoing;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.core.worker.StreamingPhase;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.wire.RunDefinition;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A streaming worker's open-ended assignment, the network twin of the simulator's streaming loop:
 * train continuously; when the schedule says so, send a fragment's pseudo-gradient (in the
 * background, so training overlaps the upload); τ steps later merge the fragment's new global
 * values, waiting for them if they are not there yet. Fragments that arrive without a pending
 * merge (a joiner's first rounds) are merged at once.
 */
final class StreamingLoop {
    private final WorkerRuntime worker;
    private final WorkerSession session;
    private final Transfers transfers;
    private final RunDefinition run;
    private final Accounting acct;
    private final int overlap;
    private final int fragments;
    private final StreamingPhase phase;
    private final Map<Integer, ArrayDeque<Signal.Arrived>> inbox = new HashMap<>();
    /** (fragment, step at which it merges), in send order. */
    private final ArrayDeque<long[]> pendingMerges = new ArrayDeque<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(GrpcSession.daemon("diloco-push"));
    private Replica replica;
    private long step;
    private long lastSent = -1;
    /** Training since the last push: its steps, tokens and time go in the push's header. */
    private final TrainTally unreported = new TrainTally();

    StreamingLoop(WorkerRuntime worker, WorkerSession session, Transfers transfers, RunDefinition run, Accounting acct) {
        this.worker = worker;
        this.session = session;
        this.transfers = transfers;
        this.run = run;
        this.acct = acct;
        this.overlap = run.overlap();
        this.fragments = run.plan().count();
        this.phase = new StreamingPhase(run.schedule());
    }

    Ending run(TrainOrder t) {
        try {
            replica = worker.replicaFor(run, t.getShard());
            acct.to(Accounting.Kind.COMMUNICATE);
            float[] theta;
            try {
                theta = transfers.pull(t.getTheta());
            } catch (StatusRuntimeException e) {
                return Participation.pullFailed(session, t, e);
            }
            Command.Train cmd = Participation.trainCommand(session.ref(), run, t);
            replica.start(cmd, theta);
            worker.metrics().thetaVersion(t.getVersion());
            step = phase.startStep(cmd.rounds());
            while (true) {
                Ending e = drain();
                if (e != null) return e;
                send();
                e = mergeDue();
                if (e != null) return e;
                trainToNextBoundary();
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
                inbox.computeIfAbsent(a.order().getFragment(), k -> new ArrayDeque<>()).add(a);
                yield null;
            }
            case Signal.Broken b -> session.broken(b);
            case Signal.Ord o -> {
                if (o.order().hasTrain()) yield Ending.rejoin("a new assignment arrived during an open-ended one");
                yield session.control(o.order());
            }
        };
    }

    private void send() {
        int p = phase.fragmentSentAfter(step);
        if (p < 0 || lastSent == step) return;
        lastSent = step;
        Outgoing out = replica.delta(p);
        DeltaHeader h = transfers.header(p, replica.round(p), unreported, out);
        unreported.reset();
        pendingMerges.add(new long[] {p, step + overlap});
        sender.execute(() -> {
            Ending e = transfers.push(replica, h, out, () -> session.closed() ? Ending.leave() : null);
            if (e != null && e.kind() == Ending.Kind.REJOIN) session.post(new Signal.Broken(e.reason(), true));
        });
    }

    /** Merges the fragments due at this step (waiting for them), then any that arrived unasked. */
    private Ending mergeDue() {
        while (!pendingMerges.isEmpty() && pendingMerges.peek()[1] == step) {
            int f = (int) pendingMerges.peek()[0];
            Signal.Arrived a = poll(f);
            if (a == null) {
                acct.to(Accounting.Kind.IDLE);
                while ((a = poll(f)) == null) {
                    Signal s = session.next(200);
                    Ending e = s != null ? take(s) : worker.leaving() ? Ending.leave() : null;
                    if (e != null) return e;
                }
            }
            pendingMerges.poll();
            merge(a);
        }
        for (int f = 0; f < fragments; f++) {
            if (expectsMerge(f)) continue;
            Signal.Arrived a;
            while ((a = poll(f)) != null) merge(a);
        }
        return null;
    }

    private void merge(Signal.Arrived a) {
        FragmentOrder o = a.order();
        replica.merge(new Command.ApplyFragment(session.ref().getMember(), o.getFragment(), o.getRound(), null, o.getAlpha()), a.values());
    }

    private Signal.Arrived poll(int f) {
        ArrayDeque<Signal.Arrived> q = inbox.get(f);
        return q == null ? null : q.poll();
    }

    private boolean expectsMerge(int f) {
        for (long[] p : pendingMerges) if (p[0] == f) return true;
        return false;
    }

    private void trainToNextBoundary() {
        long next = phase.nextSendAfter(step);
        if (!pendingMerges.isEmpty()) next = Math.min(next, pendingMerges.peek()[1]);
        int n = (int) (next - step);
        acct.to(Accounting.Kind.COMPUTE);
        long t0 = System.nanoTime();
        TrainReport r = replica.train(n);
        double seconds = (System.nanoTime() - t0) / 1e9;
        unreported.add(r, seconds);
        step = next;
        acct.trained(r, seconds);
    }
}
