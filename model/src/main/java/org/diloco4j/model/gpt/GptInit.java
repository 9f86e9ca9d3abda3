package org.diloco4j.model.gpt;

import java.util.Arrays;
import java.util.Random;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.params.ParamSpec;

/**
 * GPT-2 / nanoGPT initialisation, computed in Java from a seed so that θ₀ is the same on every
 * machine and independent of libtorch's RNG: N(0, 0.02) for weights and embeddings, N(0, 0.02 /
 * sqrt(2 * layers)) for the two residual projections of each block, zeros for biases, ones for
 * LayerNorm gains.
 */
public final class GptInit {
    static final double STD = 0.02;

    private GptInit() {
    }

    public static float[] init(GptConfig config, long seed) {
        ParamLayout layout = GptLayout.of(config);
        float[] theta = new float[layout.arraySize()];
        Random rng = new Random(seed);
        double residualStd = STD / Math.sqrt(2.0 * config.layers());
        for (ParamSpec p : layout.params()) {
            String n = p.name();
            int off = p.range().arrayStart();
            int len = p.range().arrayLength();
            if (n.endsWith(".bias")) {
                continue;
            } else if (n.startsWith("ln_f.") || n.contains(".ln1.") || n.contains(".ln2.")) {
                Arrays.fill(theta, off, off + len, 1f);
            } else {
                double std = GptLayout.isResidualProjection(n) ? residualStd : STD;
                for (int i = 0; i < len; i++) theta[off + i] = (float) (rng.nextGaussian() * std);
            }
        }
        return theta;
    }
}
