package org.diloco4j.net.coord;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.net.FakeClock;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.auth.TokenHeader;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.DilocoGrpc;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.SubscribeRequest;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A push over a real socket, whose messages Netty hands over in many buffers of one HTTP/2 frame each,
 * parsed without a copy (DeltaChunkMarshaller), updates θ bit for bit as the same push in process
 * (parsed by copying, as gRPC does): the coordinator keeps the same bytes either way, in memory and spooled.
 */
class LoopbackPushTest {
    static final Token TOKEN = Token.of("loopback-push-token-0123456789");
    static final int FLOATS = 300_000;

    /** 100 KB of each push in memory, the rest spooled: both ways of keeping the transport's bytes are taken. */
    static CoordinatorRuntime runtime(float[] theta0, java.nio.file.Path spool) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1)
                .shards(DataShards.own(new long[] {1000})).tokenBudget(1L << 40).upCodec("int8").downCodec("fp32").build();
        RunDefinition run = RunDefinition.of("# loopback push\n", cfg, FragmentPlan.whole(FLOATS), 1 << 20);
        RuntimeOptions opts = RuntimeOptions.defaults().withChunkBytes(1 << 20).withCheckpoints(0, 0)
                .withSpool(SpoolOptions.in(spool, 100_000));
        RuntimeListener quiet = new RuntimeListener() {
            public void metric(org.diloco4j.core.coord.Metric m) {
            }

            public void segment(String worker, org.diloco4j.core.run.Segment.Kind kind, double start, double end) {
            }

            public void log(String line) {
            }
        };
        return CoordinatorRuntime.start(run, new Coordinator(cfg, run.plan(), theta0, m -> { }), opts, null, quiet, null,
                CoordinatorMetrics.NONE, new FakeClock());
    }

    /** Joins, takes the train order and pushes {@code data} (int8) in messages of 256 KiB; returns the reply. */
    static PushReply push(ManagedChannel ch, byte[] data) throws Exception {
        DilocoGrpc.DilocoBlockingStub blocking = DilocoGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
        DilocoGrpc.DilocoStub async = DilocoGrpc.newStub(ch);
        JoinReply joined = blocking.join(JoinRequest.newBuilder().setName("w").setShard(-1).setInstance(UUID.randomUUID().toString())
                .setProtocol(Limits.PROTOCOL).build());
        LinkedBlockingQueue<Order> orders = new LinkedBlockingQueue<>();
        async.subscribe(SubscribeRequest.newBuilder().setSession(joined.getSession()).build(), new StreamObserver<>() {
            public void onNext(Order o) {
                orders.add(o);
            }

            public void onError(Throwable t) {
            }

            public void onCompleted() {
            }
        });
        Order o;
        do {
            o = orders.poll(20, TimeUnit.SECONDS);
            assertThat(o).as("a train order").isNotNull();
        } while (!o.hasTrain());
        TrainOrder train = o.getTrain();
        CRC32C crc = new CRC32C();
        crc.update(data);
        DeltaHeader h = DeltaHeader.newBuilder().setSession(joined.getSession()).setPushId(1).setAssignment(train.getAssignment())
                .setBaseVersion(train.getTheta().getVersion()).setFragment(0).setSteps(10).setTokens(160).setComputeSeconds(0.01).setCodec("int8")
                .setSize(data.length).setCrc32C((int) crc.getValue()).setTrainLoss(Double.NaN).build();
        org.diloco4j.net.worker.DeltaUpload upload = new org.diloco4j.net.worker.DeltaUpload(h, data, 1 << 18);
        async.pushDelta(upload);
        return upload.result().get(20, TimeUnit.SECONDS);
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void aPushOverTheSocketAppliesAsTheSamePushInProcess() throws Exception {
        Random r = new Random(11);
        float[] theta0 = new float[FLOATS];
        float[] g = new float[FLOATS];
        for (int i = 0; i < FLOATS; i++) {
            theta0[i] = (float) r.nextGaussian() * 0.02f;
            g[i] = (float) r.nextGaussian() * 1e-3f;
        }
        byte[] data = Codecs.parse("int8").encode(g);
        float[][] after = new float[2][];
        for (int way = 0; way < 2; way++) {
            boolean socket = way == 0;
            String name = "loopback-push-" + UUID.randomUUID();
            try (CoordinatorRuntime rt = runtime(theta0, dir);
                 CoordinatorServer server = socket ? CoordinatorServer.start(rt, TOKEN, new CoordinatorServer.Listen("127.0.0.1", 0, null, null))
                         : CoordinatorServer.start(InProcessServerBuilder.forName(name), rt, TOKEN)) {
                ManagedChannel ch = socket
                        ? NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().intercept(TokenHeader.interceptor(TOKEN)).build()
                        : InProcessChannelBuilder.forName(name).intercept(TokenHeader.interceptor(TOKEN)).build();
                try {
                    PushReply reply = push(ch, data);
                    assertThat(reply.getAccepted()).as(reply.getReason()).isTrue();
                    assertThat(reply.getApplied()).as(reply.getReason()).isTrue();
                    after[way] = rt.query(c -> c.theta().clone());
                } finally {
                    ch.shutdownNow();
                }
            }
        }
        assertThat(after[0]).isNotEqualTo(theta0);
        assertThat(after[0]).isEqualTo(after[1]);
    }
}
