package org.diloco4j.net;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.net.proto.DeltaChunk;
import org.diloco4j.net.proto.DilocoGrpc;
import org.diloco4j.net.proto.HeartbeatReply;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.LeaveReply;
import org.diloco4j.net.proto.Notice;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PullRequest;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.Refusal;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.SubscribeRequest;
import org.diloco4j.net.proto.ThetaChunk;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.ThetaRef;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.net.wire.RunSpecs;
import org.diloco4j.net.worker.WorkerClient;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;

import java.io.IOException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.zip.CRC32C;

/**
 * A scripted coordinator for testing what a worker does with each answer (the grpc-java
 * routeguide way: a fake service on an in-process server, the real client against it). Admits
 * every join but the ones {@link #joins} scripts otherwise, orders one assignment, serves θ₀ and
 * answers pushes and heartbeats as scripted; {@link #order} sends any order on the open stream.
 */
final class FakeCoordinator extends DilocoGrpc.DilocoImplBase implements AutoCloseable {
    static final RunDefinition RUN = RunDefinition.of("# fake run\n", CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(2)
            .minWorkers(1).shards(DataShards.own(1000)).build(), ToyCluster.plan(CoordinatorConfig.builder().build()), 1024);
    static final SessionRef SESSION = SessionRef.newBuilder().setMember(0).setGeneration(1).setKey(ByteString.copyFrom(new byte[16])).build();

    /** The reply to the n-th join (from 1): null admits. */
    volatile IntFunction<JoinReply> joins = n -> null;
    /** The reply to a push. */
    volatile Function<Integer, PushReply> pushes = n -> PushReply.newBuilder().setAccepted(true).setApplied(true).build();
    /** The reply to a (non-final) heartbeat. */
    volatile HeartbeatReply heartbeat = HeartbeatReply.newBuilder().setKnown(true).build();
    /** Whether an admitted worker is ordered to train at once. */
    volatile boolean assign = true;

    final AtomicInteger joined = new AtomicInteger();
    final AtomicInteger pushed = new AtomicInteger();
    /** The header of every push, in order. */
    final java.util.List<DeltaHeader> headers = new CopyOnWriteArrayList<>();
    /** The assignment id of the train order an admitted worker is given. */
    static final long ASSIGNMENT = 41;
    final java.util.List<String> log = new CopyOnWriteArrayList<>();
    private final String name = "fake-" + System.nanoTime();
    private final Server server;
    private final byte[] theta = Codecs.parse(RUN.downCodec()).encode(ToyCluster.theta0());
    private volatile StreamObserver<Order> orders;
    private final AtomicInteger seq = new AtomicInteger();

    FakeCoordinator() throws IOException {
        server = InProcessServerBuilder.forName(name).directExecutor().addService(this).build().start();
    }

    /** Runs a worker against this coordinator to its end. */
    WorkerRuntime.Outcome runWorker() {
        try (WorkerClient c = WorkerClient.over(InProcessChannelBuilder.forName(name).directExecutor(), ToyCluster.TOKEN);
             WorkerRuntime w = new WorkerRuntime(c, WorkerOptions.named("w").withReconnectTimeout(5), ToyCluster.provider(), log::add)) {
            return w.run();
        }
    }

    /** Sends an order on the worker's open order stream. */
    void order(Order.Builder o) {
        orders.onNext(o.setSeq(seq.incrementAndGet()).build());
    }

    static Order.Builder stop() {
        return Order.newBuilder().setStop(Notice.newBuilder().setReason("done").setRefusal(Refusal.REFUSAL_RUN_OVER));
    }

    static JoinReply refusal(Refusal code, String reason) {
        return JoinReply.newBuilder().setAdmitted(false).setRefusal(code).setReason(reason).build();
    }

    @Override
    public void join(JoinRequest req, StreamObserver<JoinReply> out) {
        JoinReply r = joins.apply(joined.incrementAndGet());
        out.onNext(r != null ? r : JoinReply.newBuilder().setAdmitted(true).setName(req.getName()).setSession(SESSION)
                .setRun(RunSpecs.toProto(RUN)).setHeartbeatSeconds(0.05).setSessionTimeoutSeconds(5).build());
        out.onCompleted();
    }

    @Override
    public void subscribe(SubscribeRequest req, StreamObserver<Order> out) {
        orders = out;
        if (!assign) return;
        order(train(ASSIGNMENT));
    }

    /** An order to train 2 steps from θ₀ (version 0), as assignment {@code assignment}. */
    Order.Builder train(long assignment) {
        ThetaRef ref = ThetaRef.newBuilder().setId(1).setFragment(-1).setVersion(0).setFloats(RUN.modelSize())
                .setEncodedBytes(theta.length).setCodec(RUN.downCodec()).build();
        return Order.newBuilder().setTrain(TrainOrder.newBuilder().setVersion(0).setSteps(2).setShard(0).setTheta(ref).setAssignment(assignment));
    }

    @Override
    public void pullTheta(PullRequest req, StreamObserver<ThetaChunk> out) {
        CRC32C crc = new CRC32C();
        crc.update(theta);
        out.onNext(ThetaChunk.newBuilder().setOffset(0).setData(ByteString.copyFrom(theta)).setLast(true).setCrc32C((int) crc.getValue()).build());
        out.onCompleted();
    }

    @Override
    public StreamObserver<DeltaChunk> pushDelta(StreamObserver<PushReply> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(DeltaChunk c) {
                if (c.hasHeader()) headers.add(c.getHeader());
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                out.onNext(pushes.apply(pushed.incrementAndGet()));
                out.onCompleted();
            }
        };
    }

    @Override
    public void heartbeat(HeartbeatRequest req, StreamObserver<HeartbeatReply> out) {
        out.onNext(req.getFinal() ? HeartbeatReply.newBuilder().setKnown(true).build() : heartbeat);
        out.onCompleted();
    }

    @Override
    public void leave(SessionRef req, StreamObserver<LeaveReply> out) {
        out.onNext(LeaveReply.getDefaultInstance());
        out.onCompleted();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
