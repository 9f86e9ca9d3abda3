package org.diloco4j.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.model.data.batch.ListBatchSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.data.token.ByteTokenizer;
import org.diloco4j.model.data.token.Gpt2Tokenizer;
import org.diloco4j.model.data.token.Tokenizer;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptInit;
import org.diloco4j.model.nativ.TorchDevice;
import org.diloco4j.model.testing.TextBatches;
import org.diloco4j.model.train.AdamWConfig;
import org.diloco4j.model.train.GptTrainer;
import org.diloco4j.model.train.LrSchedule;
import org.diloco4j.model.train.Precision;
import org.diloco4j.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

class GptEvaluatorTest {
    private static final GptConfig MODEL = new GptConfig(256, 2, 64, 4, 64);
    private static final Tokenizer BYTES = new ByteTokenizer();
    private static final TrainerConfig TRAIN = new TrainerConfig(AdamWConfig.defaults().withLr(3e-3),
            new LrSchedule(10, 0, 1), 1.0, 0.0, Precision.FP32, 1, TorchDevice.CPU);

    @Test
    void heldOutLossOfRealTextFallsWithTraining() {
        byte[] text = TextBatches.englishEuroparl(200_000);
        int split = text.length * 9 / 10;   // train on the first 90%, evaluate on the last 10%
        List<TokenBatch> train = TextBatches.windows(Arrays.copyOf(text, split), 200, 8, 64, 1);
        List<TokenBatch> heldOut = TextBatches.windows(Arrays.copyOfRange(text, split, text.length), 8, 8, 64, 2);
        try (GptTrainer trainer = GptTrainer.create(MODEL, TRAIN, new ListBatchSource(train), 3);
             GptEvaluator eval = GptEvaluator.create(MODEL, heldOut, BYTES)) {
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
             GptEvaluator eval = GptEvaluator.create(MODEL, batches, BYTES)) {
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
        try (GptEvaluator one = GptEvaluator.create(MODEL, batches, BYTES, TorchDevice.CPU, 1);
             GptEvaluator three = GptEvaluator.create(MODEL, batches, BYTES, TorchDevice.CPU, 3)) {
            assertThat(three.evaluate(theta).loss()).isEqualTo(one.evaluate(theta).loss());
        }
    }

    @Test
    void weightsBatchesByTokens() {
        List<TokenBatch> big = TextBatches.windows(TextBatches.englishEuroparl(50_000), 1, 6, 64, 1);
        List<TokenBatch> small = TextBatches.windows(TextBatches.englishEuroparl(50_000), 1, 2, 32, 2);
        float[] theta = GptInit.init(MODEL, 6);
        try (GptEvaluator a = GptEvaluator.create(MODEL, big, BYTES); GptEvaluator b = GptEvaluator.create(MODEL, small, BYTES);
             GptEvaluator both = GptEvaluator.create(MODEL, List.of(big.get(0), small.get(0)), BYTES)) {
            double expected = (a.evaluate(theta).loss() * 384 + b.evaluate(theta).loss() * 64) / 448;
            EvalResult r = both.evaluate(theta);
            assertThat(r.loss()).isCloseTo(expected, within(1e-6));
            assertThat(r.tokens()).isEqualTo(448);
        }
    }

    @Test
    void bitsPerByteOfByteTokensIsTheLossInBits() {
        List<TokenBatch> batches = TextBatches.windows(TextBatches.englishEuroparl(50_000), 3, 4, 64, 5);
        try (GptEvaluator eval = GptEvaluator.create(MODEL, batches, BYTES)) {
            EvalResult r = eval.evaluate(GptInit.init(MODEL, 4));
            assertThat(r.bytes()).isEqualTo(r.tokens()).isEqualTo(3L * 4 * 64);
            assertThat(r.bitsPerByte()).isCloseTo(r.loss() / Math.log(2), within(1e-12));
        }
    }

    /**
     * GPT-2 tokens stand for 1 to many bytes. The held-out targets here are the whole encodings of
     * known texts (after an end-of-text input, as documents sit in the stream), so their bytes are
     * the texts' UTF-8 lengths, counted without the tokenizer; a final end-of-text target counts 1.
     */
    @Test
    void bitsPerByteOfGpt2TokensDividesByTheTextsUtf8Bytes() {
        Tokenizer gpt2 = new Gpt2Tokenizer();
        GptConfig model = new GptConfig(gpt2.vocabSize(), 1, 16, 2, 64);
        String a = "Herr Präsident, die Größe des Haushalts für 2024 beträgt 1,2 Mrd. € — 日本 too.";
        String b = "Mr President, the Commission's proposal is welcome.";
        int eot = gpt2.endOfText();
        int[] ta = gpt2.encode(a);
        int[] tb = gpt2.encode(b);
        TokenBatch first = new TokenBatch(1, ta.length, prepend(eot, java.util.Arrays.copyOf(ta, ta.length - 1)), ta);
        int[] tbEot = java.util.Arrays.copyOf(tb, tb.length + 1);
        tbEot[tb.length] = eot;
        TokenBatch second = new TokenBatch(1, tbEot.length, prepend(eot, tb), tbEot);
        long expectedBytes = a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + b.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
        try (GptEvaluator eval = GptEvaluator.create(model, List.of(first, second), gpt2)) {
            EvalResult r = eval.evaluate(GptInit.init(model, 7));
            assertThat(eval.bytes()).isEqualTo(expectedBytes);
            assertThat(r.bytes()).isEqualTo(expectedBytes).isGreaterThan(r.tokens());
            assertThat(r.tokens()).isEqualTo(ta.length + tbEot.length);
            double nats = r.loss() * r.tokens();
            assertThat(r.bitsPerByte()).isCloseTo(nats / Math.log(2) / expectedBytes, within(1e-12));
            assertThat(r.bitsPerByte()).isLessThan(r.loss() / Math.log(2));
        }
    }

    private static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    @Test
    void everyEvaluationScoresTheSameTokens() {
        List<TokenBatch> batches = TextBatches.windows(TextBatches.englishEuroparl(50_000), 2, 4, 64, 11);
        float[] theta = GptInit.init(MODEL, 3);
        try (GptEvaluator eval = GptEvaluator.create(MODEL, batches, BYTES)) {
            EvalResult first = eval.evaluate(theta);
            eval.evaluate(GptInit.init(MODEL, 99));
            EvalResult again = eval.evaluate(theta);
            assertThat(again).isEqualTo(first);
        }
    }

    @Test
    void rejectsBadHeldOutData() {
        assertThatThrownBy(() -> GptEvaluator.create(MODEL, List.of(), BYTES)).hasMessageContaining("at least one batch");
        TokenBatch bad = new TokenBatch(1, 2, new int[] {1, 300}, new int[] {1, 2});
        assertThatThrownBy(() -> GptEvaluator.create(MODEL, List.of(bad), BYTES)).hasMessageContaining("token id 300");
        assertThatThrownBy(() -> GptEvaluator.create(MODEL, List.of(bad), BYTES, TorchDevice.CPU, -1)).hasMessageContaining("threads");
    }
}
