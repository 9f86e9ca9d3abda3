package org.diloco4j.bench.ingest;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.diloco4j.core.codec.Codec;

/** What the ingest benchmarks share: the sizes asked for, the int8 push they apply, the θ it lands on, medians. */
final class IngestInputs {
    private IngestInputs() {
    }

    /** Parameter counts from the command line; 25M and 100M by default. */
    static int[] sizes(String[] args) {
        return args.length == 0 ? new int[] {25_000_000, 100_000_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    }

    /** A pseudo-gradient of n Gaussian values (σ = 1e-3, seed 42) encoded with {@code codec}; the fp32 vector is let go. */
    static byte[] push(Codec codec, int n) {
        float[] g = new float[n];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < n; i++) g[i] = (float) (1e-3 * r.nextGaussian());
        return codec.encode(g);
    }

    static float[] theta(int n) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (i % 1000) * 1e-3f;
        return t;
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
