package org.diloco4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.testing.RandomBatchSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainerStateTest {
    private static final GptConfig SMALL = GptTrainerTest.SMALL;
    // Dropout on, so that the generator state matters; warmup + cosine, so that the step counter matters.
    private static final TrainerConfig CFG = GptTrainerTest.config(3e-3).withDropout(0.1)
            .withSchedule(new LrSchedule(5, 40, 0.1));

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void resumingFromSavedStateEqualsRunningWithoutInterruption(int threads) {
        TrainerConfig cfg = CFG.withThreads(threads);
        float[] uninterrupted;
        float[] theta = new float[SMALL.parameterCount()];
        byte[] state;
        try (GptTrainer t = GptTrainer.create(SMALL, cfg, new RandomBatchSource(4, 16, 64, 2), 5)) {
            t.train(12);
            t.read(theta);
            state = t.saveState();
            uninterrupted = t.train(10).losses();
        }
        // A different process: other seed, fresh data source; θ and state come from the checkpoint.
        try (GptTrainer t = GptTrainer.create(SMALL, cfg, new RandomBatchSource(4, 16, 64, 2), 77)) {
            t.load(theta);
            t.restoreState(state);
            assertThat(t.step()).isEqualTo(12);
            float[] resumed = t.train(10).losses();
            assertThat(resumed).as("losses after resume").isEqualTo(uninterrupted);
        }
    }

    @Test
    void withoutTheStateTheContinuationDiffers() {
        // The converse, so the test above cannot pass vacuously: θ alone does not reproduce the run.
        float[] uninterrupted;
        float[] theta = new float[SMALL.parameterCount()];
        try (GptTrainer t = GptTrainer.create(SMALL, CFG, new RandomBatchSource(4, 16, 64, 2), 5)) {
            t.train(12);
            t.read(theta);
            uninterrupted = t.train(10).losses();
        }
        try (GptTrainer t = GptTrainer.create(SMALL, CFG, new RandomBatchSource(4, 16, 64, 2), 5)) {
            t.load(theta);
            assertThat(t.train(10).losses()).isNotEqualTo(uninterrupted);
        }
    }

    @Test
    void encodesAndDecodesEveryField() {
        int n = SMALL.parameterCount();
        float[] m = new float[n], v = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = i * 0.5f;
            v[i] = -i;
        }
        TrainerState s = new TrainerState(SMALL, 42, 1234, m, v, new byte[][] {{1, 2, 3}, {}, {9}});
        TrainerState back = TrainerState.decode(s.encode());
        assertThat(back.config()).isEqualTo(SMALL);
        assertThat(back.step()).isEqualTo(42);
        assertThat(back.dataPosition()).isEqualTo(1234);
        assertThat(back.m()).isEqualTo(m);
        assertThat(back.v()).isEqualTo(v);
        assertThat(back.rngs()).hasNumberOfRows(3);
        assertThat(back.rngs()[0]).containsExactly(1, 2, 3);
        assertThat(back.rngs()[1]).isEmpty();
        assertThat(back.rngs()[2]).containsExactly(9);
    }

    @Test
    void refusesFormatOneWithAClearMessage() {
        int n = SMALL.parameterCount();
        byte[] bytes = new TrainerState(SMALL, 1, 0, new float[n], new float[n], new byte[][] {{1}}).encode();
        assertThat(new String(bytes, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("D4JGPTS2");
        bytes[7] = '1'; // "D4JGPTS1": the format before one dropout generator per thread
        assertThatThrownBy(() -> TrainerState.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("D4JGPTS1")
                .hasMessageContaining("written by an older diloco4j");
    }

    @Test
    void rejectsForeignOrDamagedState() {
        byte[] good;
        try (GptTrainer t = GptTrainer.create(SMALL, CFG, new RandomBatchSource(4, 16, 64, 2), 5)) {
            good = t.saveState();
        }
        assertThatThrownBy(() -> TrainerState.decode(Arrays.copyOf(good, good.length - 10))).hasMessageContaining("truncated");
        byte[] bad = good.clone();
        bad[0] ^= 1;
        assertThatThrownBy(() -> TrainerState.decode(bad)).hasMessageContaining("magic");
        try (GptTrainer t = GptTrainer.create(SMALL, CFG.withThreads(2), new RandomBatchSource(4, 16, 64, 2), 5)) {
            assertThatThrownBy(() -> t.restoreState(good)).hasMessageContaining("1 dropout streams").hasMessageContaining("2 threads");
        }
        GptConfig other = new GptConfig(64, 1, 32, 2, 16);
        try (GptTrainer t = GptTrainer.create(other, CFG, new RandomBatchSource(4, 16, 64, 2), 5)) {
            assertThatThrownBy(() -> t.restoreState(good)).hasMessageContaining("belongs to");
        }
    }
}
