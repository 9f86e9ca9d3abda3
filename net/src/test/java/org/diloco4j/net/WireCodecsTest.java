package org.diloco4j.net;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.train.ForwardingTrainer;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lossy codecs end to end over the network runtime — int8 pseudo-gradients up and bf16 θ down
 * (the defaults) for synchronous DiLoCo and async-dn-dylu, q4 for streaming: the run ends, θ moved
 * and the held-out loss fell, and the ledger is exactly the codecs' encoded sizes of the messages
 * that crossed, as the workers counted them too.
 */
class WireCodecsTest {
    static final int N = ToyCluster.PROBLEM.size();
    static final String INT8 = "int8:chunk=256";
    static final Codec BF16 = Codecs.parse("bf16");

    /** Starts three workers whose trainers count the θ they load (one per assignment: a full pull). */
    private static AtomicLong startCounting(ToyCluster c) {
        AtomicLong loads = new AtomicLong();
        for (int i = 0; i < 3; i++) {
            c.startWorker(WorkerOptions.named("w" + i), c.client(ToyCluster.TOKEN), (run, shard, threads) ->
                    new ForwardingTrainer(ToyCluster.provider().create(run, shard, threads)) {
                        @Override
                        public void load(float[] theta) {
                            loads.incrementAndGet();
                            super.load(theta);
                        }
                    });
        }
        return loads;
    }

    /** The run ended, every worker stopped, nothing was rejected or dropped, θ moved and the held-out loss fell. */
    private static RunTotals finished(ToyCluster c, float[] theta0) throws Exception {
        RunTotals t = c.await(60);
        assertThat(t.finished()).isTrue();
        c.joinWorkers(10);
        assertThat(c.outcomes).hasSize(3).allSatisfy((k, v) -> assertThat(v.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED));
        assertThat(c.recorder.decisions("reject")).isEmpty();
        assertThat(c.recorder.decisions("drop")).isEmpty();
        assertThat(Arrays.equals(t.theta().array(), theta0)).as("θ moved").isFalse();
        assertThat(t.finalEval().loss()).isLessThan(0.5 * t.initialEval().loss());
        return t;
    }

    /** What the workers counted as sent: the ledger's pseudo-gradient bytes but for any push the stop overtook before its reply. */
    private static long pushedBy(RunTotals t) {
        return t.workers().stream().mapToLong(w -> w.bytesUp()).sum();
    }

    /** What the workers pulled: the ledger's θ bytes but for up to one order per worker that the stop overtook. */
    private static long pulledBy(RunTotals t) {
        return t.workers().stream().mapToLong(w -> w.bytesDown()).sum();
    }

    private static long contributions(ToyCluster c) {
        return c.recorder.steps().stream().mapToLong(s -> s.contributors().size()).sum();
    }

    @Test
    void int8UpAndBf16DownInSynchronousDiloco() throws Exception {
        CoordinatorConfig cfg = InProcessClusterTest.base(Method.DILOCO).upCodec(INT8).downCodec("bf16").build();
        try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null)) {
            float[] theta0 = c.theta();
            AtomicLong loads = startCounting(c);
            RunTotals t = finished(c, theta0);
            Codec up = Codecs.parse(INT8);
            // (At the toy's 36 values int8's 256-entry table outweighs the values: its size, not fp32's, proves the codec.)
            assertThat(up.encodedSize(N)).isNotEqualTo(Codecs.parse("fp32").encodedSize(N));
            assertThat(BF16.encodedSize(N)).isLessThan(Codecs.parse("fp32").encodedSize(N));
            assertThat(t.bytesUp()).isEqualTo(contributions(c) * up.encodedSize(N)).isEqualTo(36L * up.encodedSize(N)).isEqualTo(pushedBy(t));
            // Each of the 12 rounds hands θ to the three workers: one bf16 θ per assignment, each loaded.
            assertThat(t.bytesDown()).isEqualTo(loads.get() * BF16.encodedSize(N)).isEqualTo(36L * BF16.encodedSize(N))
                    .isEqualTo(pulledBy(t));
        }
    }

    @Test
    void int8UpAndBf16DownInAsyncDelayedNesterovWithDylu() throws Exception {
        // H = 20 and η = 0.4 (outer.lr's auto value for this method): at H = 10 and η = 0.7 the toy diverges in fp32 too.
        CoordinatorConfig cfg = InProcessClusterTest.base(Method.ASYNC_DN_DYLU).dylu(true).outer(OuterOptimizerConfig.delayedNesterov(0.4, 0.9, 3, 0))
                .innerSteps(20).tokenBudget(3 * InProcessClusterTest.BATCH * 20 * 10).upCodec(INT8).downCodec("bf16").build();
        try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null)) {
            float[] theta0 = c.theta();
            AtomicLong loads = startCounting(c);
            RunTotals t = finished(c, theta0);
            Codec up = Codecs.parse(INT8);
            long pushes = contributions(c);
            assertThat(pushes).isEqualTo(c.recorder.steps().size()).isGreaterThanOrEqualTo(30);
            assertThat(t.bytesUp()).isEqualTo(pushes * up.encodedSize(N)).isEqualTo(pushedBy(t));
            // One θ per assignment; the coordinator may hand out a last one the stop overtakes before it is pulled.
            assertThat(t.bytesDown() % BF16.encodedSize(N)).isZero();
            assertThat(t.bytesDown() / BF16.encodedSize(N)).isBetween(loads.get(), loads.get() + 3);
            assertThat(loads.get()).isBetween(pushes, pushes + 3);
            assertThat(pulledBy(t)).isEqualTo(loads.get() * BF16.encodedSize(N));
        }
    }

    @Test
    void q4UpAndBf16DownInStreaming() throws Exception {
        CoordinatorConfig cfg = InProcessClusterTest.base(Method.STREAMING).overlap(1).mergeAlpha(0.5).upCodec("q4").downCodec("bf16")
                .tokenBudget(3 * InProcessClusterTest.BATCH * 10 * 10).build();
        try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null)) {
            float[] theta0 = c.theta();
            startCounting(c);
            RunTotals t = finished(c, theta0);
            Codec up = Codecs.parse("q4");
            FragmentPlan plan = c.run.plan();
            assertThat(plan.count()).isEqualTo(2);
            long expectUp = 0;
            long merges = 0;
            for (Metric.OuterStep s : c.recorder.steps()) {
                int size = plan.fragment(s.fragment()).arraySize();
                expectUp += s.contributors().size() * up.encodedSize(size);
                merges += s.contributors().size() * BF16.encodedSize(size);
            }
            assertThat(up.encodedSize(plan.fragment(0).size())).isLessThan(Codecs.parse("fp32").encodedSize(plan.fragment(0).size()));
            assertThat(t.bytesUp()).isEqualTo(expectUp);
            // Streaming workers upload in the background: the stop may overtake the reply to their last push.
            assertThat(t.bytesUp() - pushedBy(t)).isBetween(0L, 3 * up.encodedSize(plan.maxFragmentSize()));
            // Down: θ in full once per worker (open-ended streaming assignments), then each synced fragment merged back.
            assertThat(t.bytesDown()).isEqualTo(3 * BF16.encodedSize(N) + merges);
            assertThat(t.bytesDown() - pulledBy(t)).isBetween(0L, 3 * BF16.encodedSize(plan.maxFragmentSize()));
        }
    }
}
