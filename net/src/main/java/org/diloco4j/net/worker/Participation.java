package org.diloco4j.net.worker;

import io.grpc.StatusRuntimeException;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Snapshot;
import org.diloco4j.core.run.Segment.Kind;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.core.train.TrainTally;
import org.diloco4j.core.worker.Outgoing;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.wire.RunDefinition;

import static org.diloco4j.net.worker.GrpcSession.describe;

/**
 * One admission to the run, from the join reply until the run stops, the session is lost or the
 * process leaves: takes the session's signals and carries out its orders — an assignment is pull
 * θ, train, push the pseudo-gradient (streaming assignments are run by {@link StreamingLoop}).
 * The session ({@link GrpcSession}) and the transfers ({@link GrpcTransfers}) do the talking.
 */
final class Participation {
    private final WorkerRuntime worker;
    private final RunDefinition run;
    private final Accounting acct;
    private final GrpcSession session;
    private final GrpcTransfers transfers;

    Participation(WorkerRuntime worker, WorkerClient client, RunDefinition run, Accounting acct, JoinReply reply) {
        this.worker = worker;
        this.run = run;
        this.acct = acct;
        this.session = new GrpcSession(worker, client, acct, reply);
        this.transfers = new GrpcTransfers(worker, client, run, acct, session);
    }

    String name() {
        return session.name;
    }

    /** Runs until the membership ends. */
    Ending participate() {
        session.start(transfers::fetch);
        try {
            while (true) {
                Signal s = session.next(200);
                if (s == null) {
                    if (worker.leaving()) return Ending.leave();
                    continue;
                }
                Ending e = handle(s);
                if (e != null) return e;
            }
        } finally {
            transfers.close();
            session.close();
        }
    }

    void finalReport() {
        session.finalReport();
    }

    void leave() {
        session.leave();
    }

    private Ending handle(Signal s) {
        return switch (s) {
            case Signal.Ord o -> order(o.order());
            case Signal.Broken b -> session.broken(b);
            case Signal.Arrived a -> {
                worker.log("fragment " + a.order().getFragment() + " arrived outside a streaming assignment; ignored");
                yield null;
            }
        };
    }

    private Ending order(Order o) {
        return switch (o.getKindCase()) {
            case TRAIN -> {
                TrainOrder t = session.latestTrain(o.getTrain());
                yield t.getOpenEnded() ? new StreamingLoop(worker, session, transfers, run, acct).run(t) : assignment(t);
            }
            case FRAGMENT -> {
                worker.log("fragment order outside a streaming assignment; ignored");
                yield null;
            }
            default -> session.control(o);
        };
    }

    private Ending assignment(TrainOrder t) {
        // Building the trainer (the first time) is set-up, not communication: it happens before the pull.
        Replica replica = worker.replicaFor(run, t.getShard());
        acct.to(Kind.COMMUNICATE);
        Transfers.Pulled theta;
        try {
            theta = transfers.pull(t.getTheta());
        } catch (StatusRuntimeException e) {
            return pullFailed(session, t, e);
        }
        // A newest-θ order may be served a newer version than it named: the work starts from, and its push names, the one served.
        long base = theta.version();
        replica.start(trainCommand(session.ref, run, t, base), theta.values());
        worker.metrics().thetaVersion(base);
        acct.to(Kind.COMPUTE);
        long t0 = worker.clock().nanos();
        TrainReport r = replica.train(t.getSteps());
        double seconds = worker.clock().secondsSince(t0);
        acct.trained(r, seconds);
        acct.to(Kind.COMMUNICATE);
        Ending e = session.urgent();
        if (e != null) return e;
        Outgoing out = replica.delta(0);
        e = transfers.push(replica, transfers.header(0, base, replica.assignment(0), TrainTally.of(r, seconds), out), out, session::urgent);
        acct.to(Kind.IDLE);
        return e;
    }

    /** A pull that failed ends the membership — unless a stop that explains it is already queued. */
    static Ending pullFailed(WorkerSession session, TrainOrder t, StatusRuntimeException e) {
        Ending u = session.urgent();
        return u != null ? u : Ending.rejoin("could not pull θ v" + t.getVersion() + ": " + describe(e.getStatus()));
    }

    /** The assignment an order gives, as the replica takes it. */
    static Command.Train trainCommand(SessionRef ref, RunDefinition run, TrainOrder t) {
        return trainCommand(ref, run, t, t.getVersion());
    }

    /** The assignment an order gives, starting from θ at {@code version} (the one pulled). */
    static Command.Train trainCommand(SessionRef ref, RunDefinition run, TrainOrder t, long version) {
        long[] rounds = t.getRoundsCount() == 0 ? null : t.getRoundsList().stream().mapToLong(Long::longValue).toArray();
        int steps = t.getOpenEnded() ? Command.Train.OPEN_ENDED : t.getSteps();
        GlobalProgress progress = t.getProgressRate() > 0 && Double.isFinite(t.getProgressRate())
                && t.getProgressTokens() >= 0 && Double.isFinite(t.getProgressTokens())
                ? new GlobalProgress(t.getProgressTokens(), t.getProgressRate()) : null;
        return new Command.Train(ref.getMember(), ref.getGeneration(), version, steps, t.getShard(),
                new Snapshot(version, -1, run.modelSize(), null), rounds, progress, t.getAssignment());
    }
}
