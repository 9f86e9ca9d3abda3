package org.diloco4j.net;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.ThetaDownlink;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.train.ForwardingTrainer;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.worker.TrainerProvider;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The network runtime's side of communication safety: θ within its codec's bound, diverged workers withhold, error feedback settles. */
class CommunicationSafetyTest {
    /** A toy trainer that, when it is loaded, also notes the coordinator's θ at that moment; optionally diverges after training. */
    static final class Observed extends ForwardingTrainer {
        final ToyCluster cluster;
        final float poison;
        final List<float[][]> loads = new CopyOnWriteArrayList<>();

        Observed(InnerTrainer inner, ToyCluster cluster, float poison) {
            super(inner);
            this.cluster = cluster;
            this.poison = poison;
        }

        @Override
        public void load(float[] theta) {
            loads.add(new float[][] {theta.clone(), cluster.theta()});
            inner.load(theta);
        }

        @Override
        public TrainReport train(int steps, GlobalProgress progress) {
            TrainReport r = inner.train(steps, progress);
            if (poison != 0) {
                float[] t = new float[layout().arraySize()];
                inner.read(t);
                t[3] = poison;
                inner.load(t);
            }
            return r;
        }
    }

    static TrainerProvider observing(ToyCluster c, List<Observed> made, float poison) {
        return (run, shard, threads) -> {
            Observed o = new Observed(ToyCluster.provider().create(run, shard, threads), c, poison);
            made.add(o);
            return o;
        };
    }

    /**
     * One worker in synchronous DiLoCo: while it loads θ the coordinator waits for it, so its θ is
     * the one that was sent. What the worker loads is within the down codec's bound; fp32 bit for bit.
     */
    @Test
    void workersReceiveThetaWithinTheDownCodecsBound() throws Exception {
        for (String down : List.of("fp32", "bf16", "fp16")) {
            Codec codec = Codecs.parse(down);
            CoordinatorConfig cfg = InProcessClusterTest.base(Method.DILOCO).minWorkers(1).downCodec(down)
                    .tokenBudget(InProcessClusterTest.BATCH * 10 * 6).build();
            try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null)) {
                List<Observed> made = new CopyOnWriteArrayList<>();
                c.startWorker(WorkerOptions.named("w"), c.client(ToyCluster.TOKEN), observing(c, made, 0));
                RunTotals t = c.await(30);
                assertThat(t.finished()).isTrue();
                c.joinWorkers(10);
                assertThat(made).hasSize(1);
                List<float[][]> loads = made.get(0).loads;
                assertThat(loads).hasSizeGreaterThanOrEqualTo(6);
                double worst = 0;
                for (float[][] l : loads) {
                    float[] got = l[0];
                    float[] sent = l[1];
                    for (int i = 0; i < sent.length; i++) {
                        double err = Math.abs((double) got[i] - sent[i]);
                        assertThat(err).as("%s: got %s for %s", down, got[i], sent[i]).isLessThanOrEqualTo(ThetaDownlink.bound(codec, sent[i]));
                        if (down.equals("fp32")) assertThat(Float.floatToRawIntBits(got[i])).isEqualTo(Float.floatToRawIntBits(sent[i]));
                        if (sent[i] != 0) worst = Math.max(worst, err / Math.abs(sent[i]));
                    }
                }
                if (!down.equals("fp32")) assertThat(worst).as(down).isGreaterThan(down.equals("bf16") ? 0x1p-10 : 0x1p-13);
            }
        }
    }

    /** A worker whose inner loop diverges withholds its pseudo-gradient under every codec; the coordinator logs it and θ stays bit for bit. */
    @Test
    void aDivergedWorkerWithholdsItsPseudoGradientUnderEveryCodec() throws Exception {
        for (String up : List.of("fp32", "fp16", "bf16", "int8", "q4", "fp4", "topk:0.1")) {
            CoordinatorConfig cfg = InProcessClusterTest.base(Method.ASYNC).minWorkers(1).upCodec(up).errorFeedback(true).build();
            try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null)) {
                float[] before = c.theta();
                WorkerRuntime w = c.startWorker(WorkerOptions.named("diverged"), c.client(ToyCluster.TOKEN), observing(c, new CopyOnWriteArrayList<>(),
                        Float.NEGATIVE_INFINITY));
                InProcessClusterTest.waitFor(() -> c.recorder.decisions("drop").size() >= 3, 20);
                assertThat(c.recorder.decisions("drop")).allSatisfy(d -> assertThat(d.reason()).as(up).contains(
                        "has no contribution: withheld by the worker: pseudo-gradient of fragment 0 has a non-finite value (Infinity) at index 3"));
                assertThat(c.recorder.decisions("reject")).isEmpty();
                float[] after = c.theta();
                for (int i = 0; i < before.length; i++) assertThat(Float.floatToRawIntBits(after[i])).isEqualTo(Float.floatToRawIntBits(before[i]));
                assertThat(c.version()).isZero();
                assertThat(w.residual(0)).containsOnly(0f);
            }
        }
    }

    /**
     * Error feedback with q4: a worker whose every push is rejected (norm bound), or accepted but
     * dropped as late (it misses every round's deadline), keeps a residual of exactly zero — each
     * round is forgotten — while a worker whose pushes are applied carries one.
     */
    @Test
    void errorFeedbackForgetsRejectedAndDroppedPushes() throws Exception {
        CoordinatorConfig bounded = InProcessClusterTest.base(Method.ASYNC).minWorkers(1).upCodec("q4").errorFeedback(true)
                .maxDeltaNorm(1e-9).build();
        try (ToyCluster c = new ToyCluster(bounded, InProcessClusterTest.FAST, false, null)) {
            WorkerRuntime w = c.startWorker(WorkerOptions.named("rejected"));
            InProcessClusterTest.waitFor(() -> c.recorder.decisions("reject").size() >= 3, 20);
            w.leave();
            c.joinWorkers(10);
            assertThat(c.recorder.decisions("reject")).allSatisfy(d -> assertThat(d.reason()).contains("exceeds the bound"));
            assertThat(w.residual(0)).hasSize(ToyCluster.PROBLEM.size()).containsOnly(0f);
        }
        CoordinatorConfig deadline = InProcessClusterTest.base(Method.DILOCO).minWorkers(2).upCodec("q4").errorFeedback(true)
                .roundDeadline(0.3).quorum(1).tokenBudget(InProcessClusterTest.BATCH * 10 * 80).build();
        try (ToyCluster c = new ToyCluster(deadline, InProcessClusterTest.FAST, false, null)) {
            // fast: ~50 ms a round; slow: ~1 s, always past the 0.3 s deadline of the round it was given.
            WorkerRuntime fast = c.startWorker(WorkerOptions.named("fast").withStepDelay(5));
            WorkerRuntime slow = c.startWorker(WorkerOptions.named("slow").withStepDelay(100));
            RunTotals t = c.await(60);
            assertThat(t.finished()).isTrue();
            c.joinWorkers(10);
            int slowMember = InProcessClusterTest.memberOf(c, "slow");
            assertThat(c.recorder.decisions("drop").stream().filter(d -> d.member() == slowMember && d.reason().contains("late")).count())
                    .isGreaterThanOrEqualTo(2);
            assertThat(c.recorder.steps()).allSatisfy(s -> assertThat(s.contributors()).doesNotContain(slowMember));
            assertThat(slow.residual(0)).containsOnly(0f);
            float carried = 0;
            for (float x : fast.residual(0)) carried = Math.max(carried, Math.abs(x));
            assertThat(carried).isGreaterThan(0f);
        }
    }
}
