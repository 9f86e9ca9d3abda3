package org.diloco4j.net.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.coord.Refusal;
import org.diloco4j.core.params.Fp32Storage;
import org.diloco4j.core.train.TrainTally;
import org.diloco4j.core.worker.Outgoing;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.ThetaRef;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.Refusals;
import org.diloco4j.net.wire.RunDefinition;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

import static org.diloco4j.net.worker.GrpcSession.describe;
import static org.diloco4j.net.worker.GrpcSession.fmt;

/** Pulls θ and pushes pseudo-gradients over gRPC for one session, counting the bytes. */
final class GrpcTransfers implements Transfers, AutoCloseable {
    private final WorkerRuntime worker;
    private final WorkerClient client;
    private final RunDefinition run;
    private final Accounting acct;
    private final GrpcSession session;
    private final Codec downCodec;
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(GrpcSession.daemon("diloco-fetch"));
    private long pushId;

    GrpcTransfers(WorkerRuntime worker, WorkerClient client, RunDefinition run, Accounting acct, GrpcSession session) {
        this.worker = worker;
        this.client = client;
        this.run = run;
        this.acct = acct;
        this.session = session;
        this.downCodec = Codecs.parse(run.downCodec());
    }

    @Override
    public Pulled pull(ThetaRef r) {
        if (r.getFloats() != (r.getFragment() < 0 ? run.modelSize() : run.plan().fragment(r.getFragment()).size())) {
            throw Status.INVALID_ARGUMENT.withDescription("θ " + r.getId() + " has " + r.getFloats() + " floats, not what the run's plan says")
                    .asRuntimeException();
        }
        WorkerClient.Pulled p = client.pull(session.ref, r, 5);
        acct.received(p.bytes().length);
        worker.metrics().pulled();
        return new Pulled(p.version(), downCodec.decode(p.bytes(), Fp32Storage.length(r.getFloats(), "θ " + r.getId())));
    }

    /**
     * A fragment order naming a fragment the run's plan does not have is malformed: it is logged and
     * dropped before anything is pulled (the streaming schedule only takes fragments in [0, P)).
     */
    @Override
    public void fetch(FragmentOrder f) {
        int fragments = run.plan().count();
        if (f.getFragment() < 0 || f.getFragment() >= fragments) {
            worker.log("malformed fragment order: fragment " + f.getFragment() + " (round " + f.getRound() + ") is outside the plan's [0, "
                    + fragments + "); ignored");
            return;
        }
        fetcher.execute(() -> {
            try {
                session.post(new Signal.Arrived(f, pull(f.getValues()).values()));
            } catch (StatusRuntimeException e) {
                session.post(new Signal.Broken("could not pull fragment " + f.getFragment() + " round " + f.getRound() + ": " + describe(e.getStatus()), true));
            }
        });
    }

    /**
     * The push header of {@code out}: its payload's codec, size and CRC32C, or, if withheld, the
     * reason and no data; with the training it summarises (for the coordinator's train-loss sample).
     */
    @Override
    public DeltaHeader header(int fragment, long base, long assignment, TrainTally trained, Outgoing out) {
        byte[] data = data(out);
        CRC32C crc = new CRC32C();
        crc.update(data);
        double loss = trained.meanLoss();
        DeltaHeader.Builder h = DeltaHeader.newBuilder().setSession(session.ref).setPushId(++pushId).setBaseVersion(base).setFragment(fragment)
                .setAssignment(assignment)
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
     * Retries transfers that fail with the same push id (the coordinator answers a repeat without
     * applying it twice). A push given up on counts as not applied (a reply lost after the
     * coordinator applied it is the one case this gets wrong; the residual is then off by that
     * message's quantization error). A refusal is acted on by its code: NOT_A_MEMBER ends the session.
     */
    @Override
    public Ending push(Replica replica, DeltaHeader h, Outgoing out, Supplier<Ending> abandon) {
        boolean applied = false;
        try {
            byte[] data = data(out);
            if (out instanceof Outgoing.Withheld(String reason)) worker.log(reason);
            Backoff backoff = new Backoff(0.2, 5, worker.clock());
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
                    if (backoff.failingFor() > session.sessionTimeout()) {
                        return Ending.rejoin("could not deliver a pseudo-gradient for " + fmt(backoff.failingFor()) + " s: " + describe(e.getStatus()));
                    }
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

    @Override
    public void close() {
        fetcher.shutdownNow();
    }
}
