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
    private final Membership m;
    private final Accounting acct;
    private final int overlap;
    private final int fragments;
    private final StreamingPhase phase;
    private final Map<Integer, ArrayDeque<Signal.Arrived>> inbox = new HashMap<>();
    /** (fragment, step at which it merges), in send order. */
    private final ArrayDeque<long[]> pendingMerges = new ArrayDeque<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(Membership.daemon("diloco-push"));
    private Replica replica;
    private long step;
    private long lastSent = -1;
    /** Training since the last push: its steps, tokens and time go in the push's header. */
    private final TrainTally unreported = new TrainTally();

    StreamingLoop(Membership m) {
        this.m = m;
        this.acct = m.accounting();
        this.overlap = m.definition().overlap();
        this.fragments = m.definition().plan().count();
        this.phase = new StreamingPhase(m.definition().schedule());
    }

    Ending run(TrainOrder t) {
        try {
            replica = m.worker().replicaFor(m.definition(), t.getShard());
            acct.to(Accounting.Kind.COMMUNICATE);
            float[] theta;
            try {
                theta = m.pull(t.getTheta());
            } catch (StatusRuntimeException e) {
                return m.pullFailed(t, e);
            }
            Command.Train cmd = m.trainCommand(t);
            replica.start(cmd, theta);
            m.worker().metrics().thetaVersion(t.getVersion());
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
        while ((s = m.next(0)) != null) {
            Ending e = take(s);
            if (e != null) return e;
        }
        return m.worker().leaving() ? Ending.leave() : null;
    }

    private Ending take(Signal s) {
        return switch (s) {
            case Signal.Arrived a -> {
                inbox.computeIfAbsent(a.order().getFragment(), k -> new ArrayDeque<>()).add(a);
                yield null;
            }
            case Signal.Broken b -> m.broken(b);
            case Signal.Ord o -> {
                if (o.order().hasTrain()) yield Ending.rejoin("a new assignment arrived during an open-ended one");
                yield m.control(o.order());
            }
        };
    }

    private void send() {
        int p = phase.fragmentSentAfter(step);
        if (p < 0 || lastSent == step) return;
        lastSent = step;
        Outgoing out = replica.delta(p);
        DeltaHeader h = m.header(p, replica.round(p), unreported, out);
        unreported.reset();
        pendingMerges.add(new long[] {p, step + overlap});
        sender.execute(() -> {
            Ending e = m.push(replica, h, out, () -> m.closed() ? Ending.leave() : null);
            if (e != null && e.kind() == Ending.Kind.REJOIN) m.signals.add(new Signal.Broken(e.reason(), true));
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
                    Signal s = m.next(200);
                    Ending e = s != null ? take(s) : m.worker().leaving() ? Ending.leave() : null;
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
        replica.merge(new Command.ApplyFragment(m.ref.getMember(), o.getFragment(), o.getRound(), null, o.getAlpha()), a.values());
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
