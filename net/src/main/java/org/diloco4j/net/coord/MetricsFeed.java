package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.DecisionKind;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Ledger;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.metrics.DropReason;
import org.diloco4j.net.metrics.RejectReason;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what the coordinator does with each event into {@link CoordinatorMetrics} calls: its
 * rejections (from the commands it returns, by their code), its records of outer steps and drops
 * with worker names instead of member ids, and the byte ledger and token count charged to the
 * worker each event concerns. Event loop only.
 */
final class MetricsFeed {
    private final CoordinatorMetrics out;
    private final Coordinator coordinator;
    /** Member id → worker name, for every member this process admitted (contributors may be gone by the time they are applied). */
    private final Map<Integer, String> names = new HashMap<>();
    /** Member id → ledger bytes {up, down} already reported. */
    private final Map<Integer, long[]> charged = new HashMap<>();
    private Event current;
    private boolean currentRejected;
    private long tokensBefore;

    MetricsFeed(CoordinatorMetrics out, Coordinator coordinator) {
        this.out = out;
        this.coordinator = coordinator;
    }

    CoordinatorMetrics metrics() {
        return out;
    }

    void welcomed(int member, String name, int connected) {
        names.put(member, name);
        out.joined(name, connected);
    }

    void ended(String name, int connected) {
        out.gone(name, connected);
    }

    /** The coordinator's paired passes already counted (both count from this process's start: the count is not checkpointed). */
    private long pairedSoFar;

    /** The coordinator is about to handle {@code e}. */
    void begin(Event e) {
        current = e;
        currentRejected = false;
        tokensBefore = coordinator.tokens();
    }

    /** The coordinator handled the event {@link #begin} announced, with these commands. */
    void end(List<Command> commands) {
        out.thetaVersion(coordinator.version());
        long paired = coordinator.sharedPasses();
        if (paired > pairedSoFar) {
            out.pairedPasses(paired - pairedSoFar);
            pairedSoFar = paired;
        }
        for (Command c : commands) {
            if (c instanceof Command.Reject r && r.member() >= 0) {
                if (current instanceof Event.Delta delta && delta.member() == r.member()) currentRejected = true;
                out.rejected(RejectReason.of(r.code()));
            }
        }
        if (current instanceof Event.Delta d) {
            charge(d.member());
            if (!currentRejected) {
                double speed = d.computeSeconds() > 0 && d.tokens() > 0 ? d.tokens() / d.computeSeconds() : Double.NaN;
                out.trained(name(d.member()), coordinator.tokens() - tokensBefore, speed);
            }
        }
        for (Command c : commands) {
            switch (c) {
                case Command.Train t -> charge(t.member());
                case Command.ApplyFragment a -> charge(a.member());
                default -> {
                }
            }
        }
        current = null;
    }

    /** A record the coordinator emitted while handling the current event. */
    void metric(Metric m) {
        switch (m) {
            case Metric.OuterStep o -> {
                List<String> contributors = new ArrayList<>(o.contributors().size());
                for (int id : o.contributors()) contributors.add(name(id));
                out.outerStep(contributors, o.staleness());
            }
            // An idle member's "no contribution" follows a push the transport refused, already counted as rejected.
            // A drop without a code is one an aggregate restored from an older checkpoint had kept.
            case Metric.Decision d when d.member() >= 0 && d.kind() == DecisionKind.DROP -> {
                if (!(current instanceof Event.Idle i && i.member() == d.member())) {
                    out.dropped(d.cause() == null ? DropReason.OTHER : DropReason.of(d.cause()));
                }
            }
            default -> {
            }
        }
    }

    /** Reports the ledger bytes charged to {@code member} since the last report. */
    private void charge(int member) {
        Ledger l = coordinator.ledger();
        long[] seen = charged.computeIfAbsent(member, k -> new long[2]);
        long up = l.upOf(member);
        long down = l.downOf(member);
        if (up != seen[0] || down != seen[1]) out.bytes(name(member), up - seen[0], down - seen[1]);
        seen[0] = up;
        seen[1] = down;
    }

    private String name(int member) {
        return names.getOrDefault(member, "#" + member);
    }
}
