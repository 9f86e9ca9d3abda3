package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Int8CodecTest {
    /** σ of a chunk as the codec defines it. */
    private static double sigma(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += (double) v[i] * v[i];
        return Math.sqrt(s / Math.max(to - from - 1, 1));
    }

    @Test
    void unclippedValuesAreWithinOneScaleStepAndChunkSumsArePreserved() {
        int chunk = 4096;
        float[] v = TestData.gaussian(11, 5 * chunk + 123, 1e-3);
        Int8Codec c = new Int8Codec(chunk);
        float[] d = c.decode(c.encode(v), v.length);
        for (int s = 0; s < v.length; s += chunk) {
            int e = Math.min(v.length, s + chunk);
            double scale = 6 * sigma(v, s, e) / 256;
            double sumX = 0, sumD = 0, sq = 0;
            int inner = 0;
            for (int i = s; i < e; i++) {
                sumX += v[i];
                sumD += d[i];
                // Bins 1..254 hold values within half a step of their centre, and so does their mean.
                if (Math.abs(v[i]) < 126.5 * scale) {
                    assertThat((double) Math.abs(d[i] - v[i])).as("value %d", i).isLessThanOrEqualTo(scale * (1 + 1e-5));
                    sq += Math.pow(d[i] - v[i], 2);
                    inner++;
                }
            }
            // A uniform error within a step has RMS step/√12; bin means do a little better.
            assertThat(Math.sqrt(sq / inner)).isLessThanOrEqualTo(scale / Math.sqrt(12) * 1.05);
            assertThat(sumD).isCloseTo(sumX, org.assertj.core.data.Offset.offset(1e-5 * scale * (e - s)));
        }
    }

    @Test
    void matchesTheIntellect1ReferenceFromPyTorch() throws IOException {
        try (var in = getClass().getResourceAsStream("int8_reference.txt");
                var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            int cases = 0;
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.startsWith("case")) continue;
                String[] h = line.split(" ");
                int chunk = Integer.parseInt(h[1]);
                int n = Integer.parseInt(h[2]);
                float[] x = new float[n];
                float[] ref = new float[n];
                for (int i = 0; i < n; i++) {
                    String[] p = r.readLine().split(" ");
                    x[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(p[0], 16));
                    ref[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(p[1], 16));
                }
                Int8Codec c = new Int8Codec(chunk);
                float[] d = c.decode(c.encode(x), n);
                for (int s = 0; s < n; s += chunk) {
                    int e = Math.min(n, s + chunk);
                    double scale = 6 * sigma(x, s, e) / 256;
                    int differ = 0;
                    for (int i = s; i < e; i++) {
                        double diff = Math.abs(d[i] - ref[i]);
                        // A value on a bin boundary may land in the neighbouring bin (x·(1/scale) in fp32 vs
                        // x/scale in fp64), which moves that bin's mean by a fraction of a step.
                        assertThat(diff).as("value %d of case chunk=%d", i, chunk).isLessThanOrEqualTo(1.01 * scale);
                        if (diff > 1e-6 * Math.abs(ref[i]) + 1e-12) differ++;
                    }
                    assertThat(differ).as("values differing from the reference in chunk at %d", s).isLessThanOrEqualTo((e - s) / 100);
                }
                cases++;
            }
            assertThat(cases).isEqualTo(2);
        }
    }

    @Test
    void allZeroChunkDecodesToZeros() {
        float[] v = new float[1000];
        assertThat(new Int8Codec(256).decode(new Int8Codec(256).encode(v), v.length)).containsOnly(0f);
    }

    @Test
    void singleValueChunksAreExact() {
        float[] v = {3.25f, -1e-30f, 7e20f};
        Int8Codec c = new Int8Codec(256);
        for (float x : v) assertThat(c.decode(c.encode(new float[] {x}), 1)).containsExactly(x);
        // A last chunk of one value after a full one.
        float[] w = TestData.gaussian(5, 257, 1);
        assertThat(c.decode(c.encode(w), 257)[256]).isEqualTo(w[256]);
    }

    @Test
    void constantChunkIsExact() {
        float[] v = new float[777];
        java.util.Arrays.fill(v, -0.125f);
        assertThat(new Int8Codec(256).decode(new Int8Codec(256).encode(v), v.length)).containsOnly(-0.125f);
    }

    /** The codec is scale-invariant: the relative error at σ = 1 is the one at every magnitude, subnormals included. */
    @Test
    void tinyAndHugeMagnitudesKeepTheirRelativeAccuracy() {
        double atOne = relativeRmsError(1);
        // (6/256)/√12 ≈ 0.7 % inside ±3σ; the few values beyond share the clipped end bins.
        assertThat(atOne).isBetween(0.005, 0.03);
        for (double sigma : new double[] {1e-40, 1e-38, 1e-20, 1e20, 1e36}) {
            assertThat(relativeRmsError(sigma)).as("sigma %s", sigma).isCloseTo(atOne, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    private static double relativeRmsError(double sigma) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        float[] v = new float[3000];
        for (int i = 0; i < v.length; i++) v[i] = (float) (sigma * r.nextGaussian());
        Int8Codec c = new Int8Codec(1024);
        float[] d = c.decode(c.encode(v), v.length);
        double err = 0, norm = 0;
        for (int i = 0; i < v.length; i++) {
            err += Math.pow((double) d[i] - v[i], 2);
            norm += Math.pow(v[i], 2);
        }
        return Math.sqrt(err / norm);
    }

    @Test
    void rejectsNonFiniteInputNamingTheIndex() {
        float[] v = new float[600];
        v[517] = Float.NaN;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Int8Codec(256).encode(v))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 517").hasMessageContaining("NaN");
    }
}
