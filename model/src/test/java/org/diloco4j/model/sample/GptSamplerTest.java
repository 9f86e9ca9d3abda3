package org.diloco4j.model.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.diloco4j.model.data.batch.ListBatchSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.data.token.ByteTokenizer;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptInit;
import org.diloco4j.model.nativ.TorchDevice;
import org.diloco4j.model.train.AdamWConfig;
import org.diloco4j.model.train.GptTrainer;
import org.diloco4j.model.train.LrSchedule;
import org.diloco4j.model.train.Precision;
import org.diloco4j.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

class GptSamplerTest {
    private static final GptConfig MODEL = new GptConfig(256, 2, 48, 4, 24);
    private static final String TEXT = "the cat sat on the mat. ";

    @Test
    void aModelTrainedOnARepeatedPhraseContinuesIt() {
        float[] theta = trainOn(TEXT.repeat(3));
        try (GptSampler s = new GptSampler(MODEL, new ByteTokenizer())) {
            String out = s.generate(theta, "the cat ", 40, SamplingConfig.greedy());
            assertThat(out).startsWith("the cat sat on the mat. the cat sat on the");
            // Low temperature with top-k still follows the memorised text; a long run crosses the context window.
            String sampled = s.generate(theta, "the ", 60, new SamplingConfig(0.3, 5, 7));
            assertThat(sampled).hasSize(64).contains("cat sat on the mat");
        }
    }

    @Test
    void sameSeedSameTextDifferentSeedUsuallyNot() {
        float[] theta = GptInit.init(MODEL, 2);     // untrained: close to uniform, so seeds matter
        try (GptSampler s = new GptSampler(MODEL, new ByteTokenizer())) {
            int[] prompt = {65};
            int[] a = s.generateTokens(theta, prompt, 30, new SamplingConfig(1.0, 0, 11));
            int[] b = s.generateTokens(theta, prompt, 30, new SamplingConfig(1.0, 0, 11));
            int[] c = s.generateTokens(theta, prompt, 30, new SamplingConfig(1.0, 0, 12));
            assertThat(a).hasSize(31).startsWith(65).isEqualTo(b).isNotEqualTo(c);
        }
    }

    @Test
    void rejectsBadRequests() {
        float[] theta = GptInit.init(MODEL, 2);
        try (GptSampler s = new GptSampler(MODEL, new ByteTokenizer())) {
            assertThatThrownBy(() -> s.generate(theta, "", 5, SamplingConfig.greedy())).hasMessageContaining("at least one token");
            assertThatThrownBy(() -> s.generateTokens(theta, new int[] {1}, -1, SamplingConfig.greedy())).hasMessageContaining("-1");
            assertThatThrownBy(() -> s.generateTokens(new float[3], new int[] {1}, 1, SamplingConfig.greedy())).hasMessageContaining("3");
        }
        assertThatThrownBy(() -> new GptSampler(new GptConfig(100, 1, 16, 2, 8), new ByteTokenizer()))
                .hasMessageContaining("256").hasMessageContaining("100");
    }

    private static float[] trainOn(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        int t = MODEL.context();
        List<TokenBatch> batches = new ArrayList<>();
        int rows = TEXT.length();
        int[] in = new int[rows * t], tg = new int[rows * t];
        for (int row = 0; row < rows; row++) {
            int start = row;    // every phase of the phrase: windows cropped to the context start anywhere
            for (int i = 0; i < t; i++) {
                in[row * t + i] = b[start + i];
                tg[row * t + i] = b[start + i + 1];
            }
        }
        batches.add(new TokenBatch(rows, t, in, tg));
        TrainerConfig cfg = new TrainerConfig(AdamWConfig.defaults().withLr(1e-2), LrSchedule.constant(), 1.0, 0.0,
                Precision.FP32, 1, TorchDevice.CPU);
        try (GptTrainer trainer = GptTrainer.create(MODEL, cfg, new ListBatchSource(batches), 1)) {
            trainer.train(150);
            float[] theta = new float[MODEL.parameterCount()];
            trainer.read(theta);
            return theta;
        }
    }
}
