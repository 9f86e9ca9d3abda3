package org.diloco4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.model.data.batch.ListBatchSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptInit;
import org.diloco4j.model.nativ.TorchDevice;
import org.diloco4j.model.testing.RandomBatchSource;
import org.junit.jupiter.api.Test;

class GptTrainerTest {
    static final GptConfig SMALL = new GptConfig(64, 2, 32, 2, 16);

    static TrainerConfig config(double lr) {
        return new TrainerConfig(AdamWConfig.defaults().withLr(lr), LrSchedule.constant(), 1.0, 0.0,
                Precision.FP32, 1, TorchDevice.CPU);
    }

    @Test
    void overfitsOneRepeatedBatch() {
        TokenBatch batch = new RandomBatchSource(4, 16, 64, 3).next();
        try (GptTrainer t = GptTrainer.create(SMALL, config(1e-2), new ListBatchSource(List.of(batch)), 1)) {
            TrainReport r = t.train(250);
            assertThat(r.losses()[0]).isGreaterThan(3.5f);        // ≈ ln 64 = 4.16 at init
            assertThat(r.lastLoss()).as("loss after 250 steps on one batch").isLessThan(0.05f);
            assertThat(r.tokens()).isEqualTo(250L * 64);
            assertThat(t.step()).isEqualTo(250);
        }
    }

    /**
     * On the run's clock the schedule is at (run tokens before the step) / scheduleTokens: a worker
     * whose steps each advance the run by 3 of its own tokens' worth (rate 3, e.g. the slowest of
     * workers whose speeds sum to 3× its own), starting at 5 schedule steps, moves 3 schedule steps
     * per own step — and its own step counter (the clock when alone) does not matter.
     */
    @Test
    void onTheRunsClockTheScheduleFollowsTheRunsTokens() {
        TokenBatch batch = new RandomBatchSource(2, 16, 64, 5).next();
        LrSchedule schedule = new LrSchedule(4, 40, 0.1);
        long perScheduleStep = 4L * batch.tokens();        // 4 workers' steps of this batch
        TrainerConfig cfg = config(1e-3).withSchedule(schedule).withScheduleTokens(perScheduleStep);
        try (GptTrainer t = GptTrainer.create(SMALL, cfg, new ListBatchSource(List.of(batch)), 2)) {
            t.train(7);                                      // its own counter is now at 7
            GlobalProgress clock = new GlobalProgress(5.0 * perScheduleStep, 3 * 4);
            TrainReport r = t.train(6, clock);
            for (int i = 0; i < 6; i++) {
                double position = (5.0 * perScheduleStep + 12.0 * i * batch.tokens()) / perScheduleStep;   // 5, 8, 11, ...
                assertThat(r.lrs()[i]).as("step %d", i).isEqualTo(1e-3 * schedule.multiplier(position));
            }
            assertThat(r.lrs()[1]).isNotEqualTo(1e-3 * schedule.multiplier(8.0 / 4 + 7));
        }
    }

    /**
     * Each step reports the learning rate the schedule gave it and the global gradient norm before
     * clipping: the norm of one plain backward pass over the whole batch at the same θ, computed
     * here without the trainer's sharded reduction, and unchanged by how hard the clip then cuts.
     */
    @Test
    void reportsEachStepsLearningRateAndPreClipGradientNorm() {
        TokenBatch batch = new RandomBatchSource(6, 16, 64, 5).next();
        LrSchedule schedule = new LrSchedule(3, 8, 0.1);
        TrainerConfig clipped = config(1e-3).withSchedule(schedule).withGradClip(1e-3).withThreads(3);
        TrainerConfig unclipped = clipped.withGradClip(0);
        double independent = plainGradNorm(batch, GptInit.init(SMALL, 2));
        try (GptTrainer a = GptTrainer.create(SMALL, clipped, new ListBatchSource(List.of(batch)), 2);
             GptTrainer b = GptTrainer.create(SMALL, unclipped, new ListBatchSource(List.of(batch)), 2)) {
            TrainReport ra = a.train(10);
            TrainReport rb = b.train(1);
            assertThat((double) ra.gradNorms()[0]).isCloseTo(independent, org.assertj.core.data.Offset.offset(independent * 1e-4));
            assertThat(rb.gradNorms()[0]).isEqualTo(ra.gradNorms()[0]);
            assertThat(ra.gradNorms()[0]).isGreaterThan(1e-3f);          // so the clip did cut
            for (int i = 0; i < 10; i++) {
                assertThat(ra.lrs()[i]).as("step %d", i).isEqualTo(1e-3 * schedule.multiplier(i));
                assertThat(ra.gradNorms()[i]).isPositive();
            }
            assertThat(ra.lastLr()).isEqualTo(1e-4);                     // past the decay: the floor
            assertThat(ra.meanGradNorm()).isPositive();
        }
    }

    /** ‖∇ loss‖ of one backward pass over the whole batch at θ. */
    private static double plainGradNorm(TokenBatch batch, float[] theta) {
        try (org.diloco4j.model.gpt.FlatParams p = org.diloco4j.model.gpt.FlatParams.forTraining(
                org.diloco4j.model.gpt.GptLayout.of(SMALL), TorchDevice.CPU);
             org.diloco4j.model.gpt.Gpt gpt = new org.diloco4j.model.gpt.Gpt(SMALL, p);
             org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            p.load(theta);
            p.zeroGrad();
            var ids = org.diloco4j.model.nativ.Tensors.idRows(batch.inputs(), 0, batch.batch(), batch.context(), TorchDevice.CPU);
            var targets = org.diloco4j.model.nativ.Tensors.idRows(batch.targets(), 0, batch.batch(), batch.context(), TorchDevice.CPU);
            gpt.loss(ids, targets, org.diloco4j.model.gpt.Dropout.NONE).backward();
            return p.grad().norm().item_double();
        }
    }

    @Test
    void optimizerUpdatesAreVisibleThroughRead() {
        try (GptTrainer t = GptTrainer.create(SMALL, config(1e-3), new RandomBatchSource(4, 16, 64, 1), 1)) {
            float[] before = new float[SMALL.parameterCount()];
            t.read(before);
            assertThat(before).isEqualTo(GptInit.init(SMALL, 1));
            t.train(1);
            float[] after = new float[before.length];
            t.read(after);
            int moved = 0;
            for (int i = 0; i < after.length; i++) if (after[i] != before[i]) moved++;
            // AdamW's first step moves every coordinate with a non-zero gradient by ≈ lr.
            assertThat(moved).isGreaterThan(after.length * 9 / 10);
            for (int i = 0; i < after.length; i++) assertThat(Math.abs(after[i] - before[i])).isLessThan(1.1e-3f);
        }
    }

    @Test
    void loadReplacesThetaButKeepsTheStepCounterAndSchedule() {
        TrainerConfig cfg = config(1e-3).withSchedule(new LrSchedule(10, 100, 0.1));
        try (GptTrainer t = GptTrainer.create(SMALL, cfg, new RandomBatchSource(4, 16, 64, 1), 1)) {
            t.train(5);
            double lrBefore = t.currentLr();
            float[] theta = GptInit.init(SMALL, 99);
            t.load(theta);
            assertThat(t.step()).isEqualTo(5);
            assertThat(t.currentLr()).isEqualTo(lrBefore).isCloseTo(1e-3 * 6 / 10.0, org.assertj.core.data.Offset.offset(1e-15));
            float[] back = new float[theta.length];
            t.read(back);
            assertThat(back).isEqualTo(theta);
            t.train(10);
            assertThat(t.currentLr()).isEqualTo(1e-3 * cfg.schedule().multiplier(15));
        }
    }

    @Test
    void rejectsBatchesTheModelCannotTake() {
        TokenBatch badId = new TokenBatch(1, 2, new int[] {1, 64}, new int[] {2, 3});
        TokenBatch tooLong = new TokenBatch(1, 17, new int[17], new int[17]);
        try (GptTrainer t = GptTrainer.create(SMALL, config(1e-3), new ListBatchSource(List.of(badId)), 1)) {
            assertThatThrownBy(() -> t.train(1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token id 64").hasMessageContaining("[0, 64)");
        }
        try (GptTrainer t = GptTrainer.create(SMALL, config(1e-3), new ListBatchSource(List.of(tooLong)), 1)) {
            assertThatThrownBy(() -> t.train(1)).hasMessageContaining("context 17").hasMessageContaining("16");
            assertThatThrownBy(() -> t.train(-1)).hasMessageContaining("-1");
            assertThatThrownBy(() -> t.load(new float[5])).hasMessageContaining("5");
            assertThat(t.train(0).steps()).isZero();
        }
    }

    @Test
    void closedTrainerRefusesWork() {
        GptTrainer t = GptTrainer.create(SMALL, config(1e-3), new RandomBatchSource(4, 16, 64, 1), 1);
        t.close();
        t.close();
        assertThatThrownBy(() -> t.train(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void twoThreadsAreReproducibleAndAgreeWithOneThread() {
        TrainerConfig one = config(3e-3).withSchedule(new LrSchedule(3, 30, 0.1));
        TrainerConfig two = one.withThreads(2);
        float[] a = run(one, 25), b = run(two, 25), c = run(two, 25);
        assertThat(c).as("two threads, same seed: bit-identical").isEqualTo(b);
        for (int i = 0; i < a.length; i++) {
            // Splitting the batch changes only the order of fp32 sums.
            assertThat(b[i]).as("step %d", i).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
        assertThat(b[24]).isLessThan(b[0]);
    }

    @Test
    void moreThreadsThanRowsLeavesTheSpareThreadsIdle() {
        TokenBatch oneRow = new RandomBatchSource(1, 16, 64, 3).next();
        float[] one, three;
        try (GptTrainer t = GptTrainer.create(SMALL, config(1e-2), new ListBatchSource(List.of(oneRow)), 1)) {
            one = t.train(5).losses();
        }
        try (GptTrainer t = GptTrainer.create(SMALL, config(1e-2).withThreads(3), new ListBatchSource(List.of(oneRow)), 1)) {
            three = t.train(5).losses();
        }
        assertThat(three).containsExactly(one, org.assertj.core.data.Offset.offset(1e-5f));
    }

    private static float[] run(TrainerConfig cfg, int steps) {
        try (GptTrainer t = GptTrainer.create(SMALL, cfg, new RandomBatchSource(6, 16, 64, 8), 21)) {
            return t.train(steps).losses();
        }
    }

    @Test
    void sameSeedAndDataGiveBitIdenticalRuns() {
        TrainerConfig cfg = config(3e-3).withDropout(0.1);
        float[] a, b;
        try (GptTrainer t = GptTrainer.create(SMALL, cfg, new RandomBatchSource(4, 16, 64, 8), 21)) {
            a = t.train(20).losses();
        }
        try (GptTrainer t = GptTrainer.create(SMALL, cfg, new RandomBatchSource(4, 16, 64, 8), 21)) {
            b = t.train(20).losses();
        }
        assertThat(b).isEqualTo(a);
    }
}
