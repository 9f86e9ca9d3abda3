package org.diloco4j.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.model.data.TokenBatch;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptInit;
import org.diloco4j.model.nativ.TorchDevice;
import org.diloco4j.model.data.ListBatchSource;
import org.diloco4j.model.testing.TextBatches;
import org.diloco4j.model.train.AdamWConfig;
import org.diloco4j.model.train.GptTrainer;
import org.diloco4j.model.train.LrSchedule;
import org.diloco4j.model.train.Precision;
import org.diloco4j.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

class GptEvaluatorTest {
    private static final GptConfig MODEL = new GptConfig(256, 2, 64, 4, 64);
    private static final TrainerConfig TRAIN = new TrainerConfig(AdamWConfig.defaults().withLr(3e-3),
            new LrSchedule(10, 0, 1), 1.0, 0.0, Precision.FP32, 1, TorchDevice.CPU);

    @Test
    void heldOutLossOfRealTextFallsWithTraining() {
        byte[] text = TextBatches.englishEuroparl(200_000);
        int split = text.length * 9 / 10;   // train on the first 90%, evaluate on the last 10%
        List<TokenBatch> train = TextBatches.windows(Arrays.copyOf(text, split), 200, 8, 64, 1);
        List<TokenBatch> heldOut = TextBatches.windows(Arrays.copyOfRange(text, split, text.length), 8, 8, 64, 2);
        try (GptTrainer trainer = GptTrainer.create(MODEL, TRAIN, new ListBatchSource(train), 3);
             GptEvaluator eval = GptEvaluator.create(MODEL, heldOut)) {
            float[] theta = new float[MODEL.parameterCount()];
            trainer.read(theta);
            EvalResult before = eval.evaluate(theta);
            trainer.train(200);
            trainer.read(theta);
            EvalResult after = eval.evaluate(theta);
            assertThat(before.loss()).as("initial loss ≈ ln 256").isCloseTo(Math.log(256), within(0.1));
            assertThat(after.loss()).as("held-out loss after 200 steps (before: %.3f)", before.loss())
                    .isLessThan(before.loss() - 2.0);
            assertThat(after.tokens()).isEqualTo(8L * 8 * 64);
        }
    }

    @Test
    void matchesTheTrainingLossOnTheSameBatchAndLeavesThetaAlone() {
        List<TokenBatch> batches = TextBatches.windows(TextBatches.englishEuroparl(50_000), 1, 4, 64, 9);
        float[] theta = GptInit.init(MODEL, 5);
        float[] copy = theta.clone();
        try (GptTrainer trainer = GptTrainer.create(MODEL, TRAIN, new ListBatchSource(batches), 5);
             GptEvaluator eval = GptEvaluator.create(MODEL, batches)) {
            double evalLoss = eval.evaluate(theta).loss();
            float trainLoss = trainer.train(1).losses()[0];   // the loss before the update, at θ = init(5)
            assertThat(evalLoss).isCloseTo(trainLoss, within(1e-5));
            assertThat(eval.evaluate(theta).loss()).isEqualTo(evalLoss);
            assertThat(theta).isEqualTo(copy);
        }
    }

    @Test
    void threadCountDoesNotChangeTheResult() {
        List<TokenBatch> batches = TextBatches.windows(TextBatches.englishEuroparl(50_000), 5, 4, 64, 3);
        float[] theta = GptInit.init(MODEL, 8);
        try (GptEvaluator one = GptEvaluator.create(MODEL, batches, TorchDevice.CPU, 1);
             GptEvaluator three = GptEvaluator.create(MODEL, batches, TorchDevice.CPU, 3)) {
            assertThat(three.evaluate(theta).loss()).isEqualTo(one.evaluate(theta).loss());
        }
    }

    @Test
    void weightsBatchesByTokens() {
        List<TokenBatch> big = TextBatches.windows(TextBatches.englishEuroparl(50_000), 1, 6, 64, 1);
        List<TokenBatch> small = TextBatches.windows(TextBatches.englishEuroparl(50_000), 1, 2, 32, 2);
        float[] theta = GptInit.init(MODEL, 6);
        try (GptEvaluator a = GptEvaluator.create(MODEL, big); GptEvaluator b = GptEvaluator.create(MODEL, small);
             GptEvaluator both = GptEvaluator.create(MODEL, List.of(big.get(0), small.get(0)))) {
            double expected = (a.evaluate(theta).loss() * 384 + b.evaluate(theta).loss() * 64) / 448;
            EvalResult r = both.evaluate(theta);
            assertThat(r.loss()).isCloseTo(expected, within(1e-6));
            assertThat(r.tokens()).isEqualTo(448);
        }
    }

    @Test
    void rejectsBadHeldOutData() {
        assertThatThrownBy(() -> GptEvaluator.create(MODEL, List.of())).hasMessageContaining("at least one batch");
        TokenBatch bad = new TokenBatch(1, 2, new int[] {1, 300}, new int[] {1, 2});
        assertThatThrownBy(() -> GptEvaluator.create(MODEL, List.of(bad))).hasMessageContaining("token id 300");
        assertThatThrownBy(() -> GptEvaluator.create(MODEL, List.of(bad), TorchDevice.CPU, -1)).hasMessageContaining("threads");
    }
}
