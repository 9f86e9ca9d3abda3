package org.diloco4j.model.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TokenPickerTest {
    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, -1.0f, 2.5f};

    @Test
    void greedyAndTopOnePickTheArgmax() {
        assertThat(new TokenPicker(SamplingConfig.greedy()).pick(LOGITS)).isEqualTo(1);
        TokenPicker top1 = new TokenPicker(new SamplingConfig(1.0, 1, 3));
        for (int i = 0; i < 50; i++) assertThat(top1.pick(LOGITS)).isEqualTo(1);
    }

    @Test
    void topKNeverLeavesTheKMostLikely() {
        TokenPicker p = new TokenPicker(new SamplingConfig(5.0, 3, 4));  // hot, so the tail would be likely
        for (int i = 0; i < 2000; i++) assertThat(p.pick(LOGITS)).isIn(1, 2, 4);
    }

    @Test
    void samplesTheTemperedSoftmax() {
        double temperature = 2.0;
        TokenPicker p = new TokenPicker(new SamplingConfig(temperature, 0, 5));
        int n = 40_000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < n; i++) counts[p.pick(LOGITS)]++;
        double z = 0;
        for (float l : LOGITS) z += Math.exp(l / temperature);
        for (int k = 0; k < LOGITS.length; k++) {
            double expected = Math.exp(LOGITS[k] / temperature) / z;
            // 5 standard errors of a binomial proportion at n = 40,000 is at most 0.0125.
            assertThat(counts[k] / (double) n).as("frequency of token %d", k).isCloseTo(expected, within(0.0125));
        }
    }

    @Test
    void sameSeedSameChoices() {
        TokenPicker a = new TokenPicker(new SamplingConfig(1.0, 0, 42));
        TokenPicker b = new TokenPicker(new SamplingConfig(1.0, 0, 42));
        for (int i = 0; i < 100; i++) assertThat(a.pick(LOGITS)).isEqualTo(b.pick(LOGITS));
    }

    @Test
    void validatesConfig() {
        assertThatThrownBy(() -> new SamplingConfig(-1, 0, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingConfig(1, -5, 0)).hasMessageContaining("topK");
    }
}
