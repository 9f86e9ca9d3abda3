package org.diloco4j.model.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.params.ParamSpec;
import org.junit.jupiter.api.Test;

class GptInitTest {
    private final GptConfig config = new GptConfig(256, 4, 128, 4, 64);
    private final ParamLayout layout = GptLayout.of(config);

    @Test
    void followsGpt2Initialisation() {
        float[] theta = GptInit.init(config, 3);
        double residualStd = 0.02 / Math.sqrt(2 * 4);
        for (ParamSpec p : layout.params()) {
            String n = p.name();
            double[] ms = meanStd(theta, p);
            if (n.endsWith(".bias")) {
                assertThat(ms).as(n).containsExactly(0, 0);
            } else if (n.contains("ln")) {
                assertThat(ms).as(n).containsExactly(1, 0);
            } else {
                double expected = n.endsWith("proj.weight") ? residualStd : 0.02;
                // numel >= 8192 here, so the sample std is within ~1.6% of σ with overwhelming probability.
                assertThat(ms[1]).as(n + " std").isCloseTo(expected, within(expected * 0.05));
                assertThat(ms[0]).as(n + " mean").isCloseTo(0, within(expected * 0.05));
            }
        }
    }

    @Test
    void sameSeedSameThetaOtherSeedOtherTheta() {
        assertThat(GptInit.init(config, 11)).isEqualTo(GptInit.init(config, 11));
        assertThat(GptInit.init(config, 11)).isNotEqualTo(GptInit.init(config, 12));
    }

    private static double[] meanStd(float[] theta, ParamSpec p) {
        double s = 0, s2 = 0;
        int n = p.arrayNumel();
        for (int i = p.range().arrayStart(); i < p.range().arrayEnd(); i++) {
            s += theta[i];
            s2 += (double) theta[i] * theta[i];
        }
        double mean = s / n;
        return new double[] {mean, Math.sqrt(Math.max(0, s2 / n - mean * mean))};
    }
}
