package org.diloco4j.sim;

import org.diloco4j.core.run.Segment;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.core.train.TrainTally;
import org.diloco4j.core.worker.Outgoing;
import org.diloco4j.core.worker.StreamingWorker.Action;

import java.util.function.BiFunction;

/**
 * The workers' side of the protocol in virtual time: θ arrives, the worker trains (real inner
 * steps, simulated duration), and sends its pseudo-gradient; a streaming worker follows its
 * {@link org.diloco4j.core.worker.StreamingWorker}, and this class supplies only the time and the
 * transfers. Every action is scheduled as an event; state lives in {@link SimWorker}.
 */
record WorkerDriver(Downlink downlink, MetricSink sink, SimState s, CostModel costs, Timeline timeline) {
    /** The coordinator sent {@code w} θ and an assignment. */
    void train(SimWorker w, Command.Train t) {
        if (w == null || !w.alive) return;
        timeline.account(w, Segment.Kind.IDLE, now());
        double arrive = costs.downloadArrives(w, downlink.thetaBytes(), now());
        s.queue.at(arrive, new SimEvent.TrainArrives(w.name(), w.incarnation, t));
    }

    void trainArrived(SimWorker w, Command.Train t) {
        timeline.account(w, Segment.Kind.COMMUNICATE, now());
        w.replica.start(t, downlink.received(t.theta()));
        if (t.openEnded()) {
            w.stream.start(t.rounds());
            stepBoundary(w);
            return;
        }
        double start = now();
        double seconds = costs.computeSeconds(w, t.steps(), start);
        long t0 = System.nanoTime();
        TrainReport r = w.replica.train(t.steps());
        recordTraining(w, r, (System.nanoTime() - t0) / 1e9, start + seconds);
        timeline.account(w, Segment.Kind.COMPUTE, start + seconds);
        s.queue.at(start + seconds, new SimEvent.ComputeDone(w.name(), w.incarnation, t, r.steps(), r.tokens(), seconds));
    }

    void computeDone(SimWorker w, SimEvent.ComputeDone cd) {
        double arrive = sendDelta(w, 0, (payload, at) -> new Event.Delta(w.member, w.generation, cd.train().assignment(), cd.train().version(), 0,
                cd.steps(), cd.tokens(), cd.seconds(), payload, at));
        timeline.account(w, Segment.Kind.COMMUNICATE, arrive);
    }

    /**
     * A streaming worker at a step boundary does what its schedule says: send, merge, then either
     * wait for a late fragment (resumed by {@link #fragmentArrived}) or compute to the next boundary.
     */
    void stepBoundary(SimWorker w) {
        double now = now();
        while (true) {
            switch (w.stream.next()) {
                case Action.Send<SimWorker.Arrival>(int p) -> {
                    sendDelta(w, p, (payload, at) -> new Event.Delta(w.member, w.generation, w.replica.assignment(p), w.replica.round(p), p, w.unreportedSteps,
                            w.unreportedTokens, w.unreportedCompute, payload, at));
                    w.unreportedSteps = 0;
                    w.unreportedTokens = 0;
                    w.unreportedCompute = 0;
                }
                case Action.Merge<SimWorker.Arrival>(int f, SimWorker.Arrival a) -> w.replica.merge(a.command(), a.values());
                case Action.Wait<SimWorker.Arrival> wait -> {
                    w.blockedSince = now;
                    return;
                }
                case Action.Train<SimWorker.Arrival>(int n) -> {
                    double seconds = costs.computeSeconds(w, n, now);
                    long t0 = System.nanoTime();
                    TrainReport r = w.replica.train(n);
                    double real = (System.nanoTime() - t0) / 1e9;
                    w.stream.stepsDone(n);
                    w.unreportedSteps += n;
                    w.unreportedTokens += r.tokens();
                    w.unreportedCompute += seconds;
                    timeline.account(w, Segment.Kind.COMPUTE, now + seconds);
                    recordTraining(w, r, real, now + seconds);
                    s.queue.at(now + seconds, new SimEvent.StreamStep(w.name(), w.incarnation));
                    return;
                }
            }
        }
    }

    /** The coordinator sent a streaming worker a fragment's new global values. */
    void applyFragment(SimWorker w, Command.ApplyFragment a) {
        if (w == null || !w.alive) return;
        long bytes = downlink.bytes(a.values().size());
        double arrive = costs.downloadArrives(w, bytes, now());
        s.queue.at(arrive, new SimEvent.FragmentArrives(w.name(), w.incarnation, a, w.spec.link().downSeconds(bytes)));
    }

    void fragmentArrived(SimWorker w, SimEvent.FragmentArrives fa) {
        Command.ApplyFragment a = fa.fragment();
        if (w.stream.arrived(a.fragment(), new SimWorker.Arrival(a, downlink.received(a.values()), now()))) {
            // Blocked time: its own transfers (upload still in flight, then this download) count as
            // communication, the rest was waiting for the other workers.
            double blocked = now() - w.blockedSince;
            double comm = Math.min(blocked, fa.transferSeconds() + w.spec.link().latencySeconds()
                    + Math.max(0, w.upFreeAt - w.blockedSince));
            timeline.account(w, Segment.Kind.IDLE, now() - comm);
            timeline.account(w, Segment.Kind.COMMUNICATE, now());
            stepBoundary(w);
        }
    }

    /**
     * Sends fragment {@code p}'s pseudo-gradient (the event {@code delta} makes of the payload and
     * its arrival time), lost in transit with the link's drop probability; or, if the worker
     * withholds it (diverged), the notice that it has nothing. Returns the arrival time.
     */
    private double sendDelta(SimWorker w, int p, BiFunction<Payload, Double, Event.Delta> delta) {
        return switch (w.replica.delta(p)) {
            case Outgoing.Send(Payload payload) -> {
                double arrive = costs.uploadArrives(w, payload.size(), now());
                sendToCoordinator(w, arrive, costs.lost(w)
                        ? new Event.Idle(w.member, w.generation, w.replica.assignment(p), p, "pseudo-gradient lost in transit", arrive)
                        : delta.apply(payload, arrive));
                yield arrive;
            }
            case Outgoing.Withheld(String reason) -> {
                double at = costs.noticeArrives(w, now());
                sendToCoordinator(w, at, new Event.Idle(w.member, w.generation, w.replica.assignment(p), p, reason, at));
                yield at;
            }
        };
    }

    private void sendToCoordinator(SimWorker w, double at, Event e) {
        s.queue.at(at, new SimEvent.ToCoordinator(e, w.name(), w.incarnation));
    }

    /**
     * Counts a worker's training and samples its loss. {@code realSeconds} is the wall time the
     * steps took on this host (the throughput the sample reports); {@code end} is simulated time.
     */
    private void recordTraining(SimWorker w, TrainReport r, double realSeconds, double end) {
        w.steps += r.steps();
        w.tokens += r.tokens();
        if (r.steps() > 0 && !w.replica.phantom()) {
            TrainTally t = TrainTally.of(r, realSeconds);
            sink.emit(new Metric.TrainLoss(w.name(), w.steps, t.meanLoss(), t.lastLr(), t.meanGradNorm(), t.tokensPerSecond(), end));
        }
    }

    private double now() {
        return s.queue.now();
    }
}
