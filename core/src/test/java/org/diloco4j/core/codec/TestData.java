package org.diloco4j.core.codec;

import java.util.List;
import java.util.SplittableRandom;

/** Inputs shared by the codec tests. */
final class TestData {
    private TestData() {}

    /** One codec of every kind, with non-default parameters where they change the layout. */
    static List<Codec> allCodecs() {
        return List.of(new Fp32Codec(), new Fp16Codec(), new Bf16Codec(), new Int8Codec(), new Int8Codec(256),
                new Q4Codec(), new Q4Codec(2), new Q4Codec(6), new Q4Codec(8192), new Fp4Codec(), new Fp4Codec(6), new TopKCodec(0.01), new TopKCodec(0.3),
                new TopKCodec(1));
    }

    /** Gaussian values of standard deviation {@code sigma}, with rare outliers 30× larger. */
    static float[] gaussian(long seed, int n, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (sigma * r.nextGaussian() * (r.nextInt(500) == 0 ? 30 : 1));
        return v;
    }
}
