package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.net.FakeClock;
import org.diloco4j.net.auth.Caller;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issuing an asynchronous train order costs the event loop no copy of θ: the Java heap the loop
 * thread allocates per order (ThreadMXBean) is measured against the fp32 θ's size. Before shared
 * snapshots every order cloned θ there (4 bytes per parameter) for the snapshot it named. Only
 * what existed then is used here, so the same test measures the old code too.
 */
class OrderHeapTest {
    static final int N = 1 << 20;
    static final int ORDERS = 8;

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    static JoinRequest join(String name) {
        return JoinRequest.newBuilder().setName(name).setShard(-1).setInstance(UUID.randomUUID().toString()).setProtocol(Limits.PROTOCOL).build();
    }

    @Test
    void anAsynchronousOrderAllocatesLessThanACopyOfTheta() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1).shards(DataShards.own())
                .tokenBudget(1L << 40).downCodec("bf16").build();
        RuntimeOptions opts = RuntimeOptions.defaults().withCheckpoints(0, 0);
        RunDefinition run = RunDefinition.of("# order heap\n", cfg, FragmentPlan.whole(N), opts.chunkBytes());
        RuntimeListener quiet = new RuntimeListener() {
            public void metric(Metric m) {
            }

            public void segment(String worker, org.diloco4j.core.run.Segment.Kind kind, double start, double end) {
            }

            public void log(String line) {
            }
        };
        CoordinatorRuntime rt = CoordinatorRuntime.start(run, new Coordinator(cfg, run.plan(), new float[N], m -> { }), opts, null, quiet, null,
                CoordinatorMetrics.NONE, new FakeClock());
        try {
            Caller caller = new Caller(null, "test");
            // Warm-up: classes, the first session, the loop's own structures.
            for (int i = 0; i < 2; i++) assertThat(rt.join(join("warm" + i), caller).join().getAdmitted()).isTrue();
            long down = rt.query(c -> c.ledger().down());
            long before = rt.query(c -> allocated());
            for (int i = 0; i < ORDERS; i++) assertThat(rt.join(join("w" + i), caller).join().getAdmitted()).isTrue();
            long after = rt.query(c -> allocated());
            // Each join is given a train order at once (asynchronous, one worker minimum): the ledger counts θ down for each.
            assertThat(rt.query(c -> c.ledger().down()) - down).isEqualTo(ORDERS * Codecs.parse("bf16").encodedSize(N));
            long perOrder = (after - before) / ORDERS;
            System.out.printf(Locale.ROOT, "OrderHeapTest: %d bytes allocated on the event loop per asynchronous order of a %d-parameter θ (fp32 θ: %d bytes)%n",
                    perOrder, N, 4L * N);
            assertThat(perOrder).as("bytes allocated on the event loop per order").isLessThan(4L * N);
        } finally {
            rt.close();
        }
    }
}
