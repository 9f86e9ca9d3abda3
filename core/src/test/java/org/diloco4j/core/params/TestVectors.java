package org.diloco4j.core.params;

import java.util.SplittableRandom;

/** Seeded random vectors for tests (shared by the optim, agg and stream tests). */
public final class TestVectors {
    private TestVectors() {
    }

    /** {@code n} values drawn from N(0, scale²), reproducible from {@code seed}. */
    public static float[] gaussian(long seed, int n, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // Box–Muller; SplittableRandom has no nextGaussian on every JDK we build for.
            double u = 1.0 - r.nextDouble();
            double v = r.nextDouble();
            x[i] = (float) (scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }
}
