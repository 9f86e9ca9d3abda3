package org.diloco4j.net.coord;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.net.auth.TokenHeader;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime counts a push's int8 codes as they arrive (one counter per upload of a table codec's full
 * size, none otherwise), and a push so counted has the same norm and moves θ bit for bit as the same
 * bytes handed to the coordinator in memory, whose check reads them back (no counts).
 */
class ArrivalCountsPushTest {
    static final int N = LoopbackPushTest.FLOATS;

    @TempDir
    Path dir;

    static RunDefinition run(String upCodec) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1)
                .shards(DataShards.own(new long[] {1000})).tokenBudget(1L << 40).upCodec(upCodec).downCodec("fp32").build();
        return RunDefinition.of("# arrival counts\n", cfg, FragmentPlan.whole(N), 1 << 20);
    }

    @Test
    void onlyAFullSizeUploadOfATableCodecIsCounted() {
        RunDefinition int8 = run("int8");
        ArrivalLayouts layouts = new ArrivalLayouts(int8);
        long size = int8.deltaBytes(0);
        assertThat(layouts.counter(DeltaHeader.newBuilder().setFragment(0).setSize(size).build())).isNotNull();
        assertThat(layouts.counter(DeltaHeader.newBuilder().setFragment(0).setSize(0).setWithheld("diverged").build())).as("withheld").isNull();
        assertThat(layouts.counter(DeltaHeader.newBuilder().setFragment(0).setSize(size - 1).build())).as("another size").isNull();
        assertThat(layouts.counter(DeltaHeader.newBuilder().setFragment(1).setSize(size).build())).as("no such fragment").isNull();
        RunDefinition fp32 = run("fp32");
        assertThat(new ArrivalLayouts(fp32).counter(DeltaHeader.newBuilder().setFragment(0).setSize(fp32.deltaBytes(0)).build())).as("fp32").isNull();
    }

    /** The window of accepted norms (its type is the core package's own), as text: each norm in full (Double.toString round-trips). */
    static String norms(Coordinator c) {
        try {
            return String.valueOf(Coordinator.State.class.getMethod("norms").invoke(c.state()));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPushCountedOnArrivalMovesThetaAsTheSameBytesReadBack() throws Exception {
        Random r = new Random(31);
        float[] theta0 = new float[N];
        float[] g = new float[N];
        for (int i = 0; i < N; i++) {
            theta0[i] = (float) r.nextGaussian() * 0.02f;
            g[i] = (float) r.nextGaussian() * 1e-3f;
        }
        byte[] data = Codecs.parse("int8").encode(g);
        float[] counted;
        String countedNorms;
        // Over a socket: Netty hands each message over in buffers of one HTTP/2 frame (16 KiB), cut anywhere in the message.
        try (CoordinatorRuntime rt = LoopbackPushTest.runtime(theta0, dir);
             CoordinatorServer server = CoordinatorServer.start(rt, LoopbackPushTest.TOKEN, new CoordinatorServer.Listen("127.0.0.1", 0, null, null))) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .intercept(TokenHeader.interceptor(LoopbackPushTest.TOKEN)).build();
            try {
                PushReply reply = LoopbackPushTest.push(ch, data);
                assertThat(reply.getApplied()).as(reply.getReason()).isTrue();
                counted = rt.query(c -> c.theta().clone());
                countedNorms = rt.query(ArrivalCountsPushTest::norms);
            } finally {
                ch.shutdownNow();
            }
        }
        RunDefinition run = run("int8");
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1)
                .shards(DataShards.own(new long[] {1000})).tokenBudget(1L << 40).upCodec("int8").downCodec("fp32").build();
        Coordinator c = new Coordinator(cfg, run.plan(), theta0.clone(), m -> { });
        Command.Train t = c.handle(new Event.Join("w", -1, 0, 0)).stream().filter(Command.Train.class::isInstance)
                .map(Command.Train.class::cast).findFirst().orElseThrow();
        c.handle(new Event.Delta(t.member(), t.generation(), t.assignment(), t.version(), 0, 10, 160, 0.01, new Payload.Bytes("int8", data), 1));
        assertThat(c.version()).as("applied in memory").isEqualTo(1);
        assertThat(counted).isNotEqualTo(theta0);
        assertThat(counted).isEqualTo(c.theta());
        assertThat(countedNorms).as("the push's norm, in the window of accepted norms").contains("[[0.")
                .isEqualTo(norms(c));
    }
}
