package org.diloco4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.train.TrainerState;
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
        TrainerState state;
        try (GptTrainer t = GptTrainer.create(SMALL, cfg, new RandomBatchSource(4, 16, 64, 2), 5)) {
            t.train(12);
            t.read(theta);
            state = t.saveState().detached();   // the saved moments are views: a copy stays as it is while training goes on
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
    void holdsAdamWMomentsAsNamedArraysOfTheModelsSize() throws java.io.IOException {
        TrainerState s;
        try (GptTrainer t = GptTrainer.create(SMALL, CFG.withThreads(2), new RandomBatchSource(4, 16, 64, 2), 5)) {
            t.train(3);
            s = t.saveState().detached();
        }
        int n = SMALL.parameterCount();
        assertThat(s.arrays()).containsOnlyKeys("exp_avg", "exp_avg_sq");
        assertThat(s.array("exp_avg", n).toFloats()).as("first moments moved off zero").isNotEqualTo(new float[n]);
        float[] v = s.array("exp_avg_sq", n).toFloats();
        for (float x : v) assertThat(x).as("second moments").isGreaterThanOrEqualTo(0f);
        assertThat(s.step()).isEqualTo(3);
        assertThat(s.model()).isEqualTo("gpt vocab " + SMALL.vocabSize() + ", layers " + SMALL.layers() + ", d_model "
                + SMALL.dModel() + ", heads " + SMALL.heads() + ", context " + SMALL.context());
        assertThat(s.generators()).as("one dropout stream per thread").hasSize(2);
    }

    @Test
    void rejectsForeignOrDamagedState() {
        TrainerState good;
        try (GptTrainer t = GptTrainer.create(SMALL, CFG, new RandomBatchSource(4, 16, 64, 2), 5)) {
            good = t.saveState().detached();
        }
        try (GptTrainer t = GptTrainer.create(SMALL, CFG.withThreads(2), new RandomBatchSource(4, 16, 64, 2), 5)) {
            assertThatThrownBy(() -> t.restoreState(good)).hasMessageContaining("1 dropout streams").hasMessageContaining("2 threads");
        }
        GptConfig other = new GptConfig(64, 1, 32, 2, 16);
        try (GptTrainer t = GptTrainer.create(other, CFG, new RandomBatchSource(4, 16, 64, 2), 5)) {
            assertThatThrownBy(() -> t.restoreState(good)).hasMessageContaining("belongs to");
        }
        TrainerState short_ = new TrainerState(good.model(), 1, 0, -1,
                java.util.Map.of("exp_avg", TensorData.of(new float[3]), "exp_avg_sq", TensorData.of(new float[3])), good.generators());
        try (GptTrainer t = GptTrainer.create(SMALL, CFG, new RandomBatchSource(4, 16, 64, 2), 5)) {
            assertThatThrownBy(() -> t.restoreState(short_)).hasMessageContaining("'exp_avg' has 3 values");
        }
    }
}
