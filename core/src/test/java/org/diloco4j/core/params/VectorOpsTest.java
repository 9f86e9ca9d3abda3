package org.diloco4j.core.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorOpsTest {
    // 1003: not a multiple of any SIMD width, so the scalar tail after the vector loop is covered.
    static final int N = 1003;
    final float[] x = TestVectors.gaussian(1, N, 1);
    final float[] y = TestVectors.gaussian(2, N, 1);

    @Test
    void axpyRoundsOncePerElement() {
        float[] out = y.clone();
        VectorOps.axpy(0.3f, x, out);
        for (int i = 0; i < N; i++) {
            // fma: the exact a·x + y rounded once, which double evaluation then float rounding reproduces.
            assertThat(out[i]).isEqualTo((float) ((double) 0.3f * x[i] + y[i]));
        }
    }

    @Test
    void axpyOnARangeTouchesOnlyThatRange() {
        float[] out = y.clone();
        VectorOps.axpy(2f, x, 10, out, 500, 100);
        for (int i = 0; i < N; i++) {
            float want = i >= 500 && i < 600 ? (float) (2.0 * x[i - 490] + y[i]) : y[i];
            assertThat(out[i]).as("index %d", i).isEqualTo(want);
        }
        assertThatThrownBy(() -> VectorOps.axpy(1f, x, 950, out, 0, 100))
                .hasMessageContaining("range [950, 1050) of x is outside its length 1003");
    }

    @Test
    void accumulateAddsWeightedVectors() {
        float[] acc = new float[N];
        VectorOps.accumulate(acc, 1f, x);
        VectorOps.accumulate(acc, 0.5f, y);
        for (int i = 0; i < N; i++) assertThat((double) acc[i]).isCloseTo(x[i] + 0.5 * y[i], within(1e-6));
    }

    @Test
    void scaleSubAddCopyZero() {
        float[] a = x.clone();
        VectorOps.scale(-2f, a);
        float[] s = new float[N], d = new float[N], c = new float[N], o = new float[N];
        VectorOps.scale(3f, x, o);
        VectorOps.sub(x, y, d);
        VectorOps.add(x, y, s);
        VectorOps.copy(y, c);
        for (int i = 0; i < N; i++) {
            assertThat(a[i]).isEqualTo(-2f * x[i]);
            assertThat(o[i]).isEqualTo(3f * x[i]);
            assertThat(d[i]).isEqualTo(x[i] - y[i]);
            assertThat(s[i]).isEqualTo(x[i] + y[i]);
        }
        assertThat(c).isEqualTo(y);
        VectorOps.zero(c);
        assertThat(c).containsOnly(0f);
        float[] inPlace = x.clone();
        VectorOps.sub(inPlace, y, inPlace);
        assertThat(inPlace).isEqualTo(d);
    }

    @Test
    void lerpMovesTowardTheTargetAndIsExactAtTheEnds() {
        float[] a = x.clone();
        VectorOps.lerp(a, y, 0.25f);
        for (int i = 0; i < N; i++) assertThat((double) a[i]).isCloseTo(0.75 * x[i] + 0.25 * y[i], within(1e-6));
        float[] b = x.clone();
        VectorOps.lerp(b, y, 1f);
        assertThat(b).isEqualTo(y);
        float[] c = x.clone();
        VectorOps.lerp(c, y, 0f);
        assertThat(c).isEqualTo(x);
        assertThatThrownBy(() -> VectorOps.lerp(x.clone(), y, 1.5f)).hasMessageContaining("weight must be in [0, 1], got 1.5");
    }

    @Test
    void dotAndNormAccumulateInDouble() {
        double want = 0;
        for (int i = 0; i < N; i++) want += (double) x[i] * y[i];
        assertThat(VectorOps.dot(x, y)).isCloseTo(want, within(1e-12));
        // 2^24 + 1 ones: a float accumulator would stop growing at 2^24.
        float[] ones = new float[(1 << 24) + 1];
        java.util.Arrays.fill(ones, 1f);
        assertThat(VectorOps.dot(ones, ones)).isEqualTo((1 << 24) + 1.0);
        assertThat(VectorOps.norm2(new float[]{3, 4})).isEqualTo(5.0);
        assertThat(VectorOps.norm2(new float[0])).isZero();
    }

    @Test
    void countsNonFiniteValues() {
        float[] a = x.clone();
        assertThat(VectorOps.countNonFinite(a)).isZero();
        a[3] = Float.NaN;
        a[7] = Float.POSITIVE_INFINITY;
        a[1002] = Float.NEGATIVE_INFINITY;
        a[5] = Float.MAX_VALUE;
        assertThat(VectorOps.countNonFinite(a)).isEqualTo(3);
    }

    /** The reference: the largest sign-cleared bit pattern (finite < ∞ < NaN), by integer comparison — not the code's float max. */
    private static int maxAbsBitsByScan(float[] x, int from, int to) {
        int m = 0;
        for (int i = from; i < to; i++) {
            int b = Float.floatToRawIntBits(x[i]) & 0x7fffffff;
            if (b > m) m = b;
        }
        return m;
    }

    @Test
    void maxAbsIsTheLargestMagnitudeInfinityOrNaNAnywhereInTheRange() {
        java.util.Random r = new java.util.Random(5);
        float[] x = new float[10_007];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        x[5_001] = -9.5f;
        x[9_999] = 9.25f;
        // Enough calls for C2 to compile the vectorized reduction before the checks below (the interpreter's scalar loop would pass them anyway).
        float sink = 0;
        for (int k = 0; k < 3_000; k++) sink += VectorOps.maxAbs(x, k % 7, x.length);
        assertThat(sink).isPositive();
        for (int from : new int[] {0, 1, 7, 5_001, 5_002}) {
            for (int to : new int[] {from, from + 1, from + 31, 9_999, 10_000, 10_007}) {
                if (to < from) continue;
                assertThat(VectorOps.maxAbsBits(x, from, to)).as("[%d, %d)", from, to).isEqualTo(maxAbsBitsByScan(x, from, to));
            }
        }
        assertThat(VectorOps.maxAbs(x, 0, x.length)).isEqualTo(9.5f);
        assertThat(Float.floatToRawIntBits(VectorOps.maxAbs(new float[] {-0f, -0f, 0f}, 0, 3))).as("|−0| is +0").isZero();
        assertThat(VectorOps.maxAbsBits(x, 3, 3)).as("an empty range").isZero();
        int inf = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
        for (int at : new int[] {0, 17, 5_000, 10_006}) {
            float[] y = x.clone();
            y[at] = Float.NEGATIVE_INFINITY;
            assertThat(VectorOps.maxAbs(y, 0, y.length)).as("−∞ at %d", at).isEqualTo(Float.POSITIVE_INFINITY);
            y[at] = Float.NaN;
            assertThat(VectorOps.maxAbs(y, 0, y.length)).as("NaN at %d", at).isNaN();
            y[at == 0 ? 1 : at - 1] = Float.POSITIVE_INFINITY;
            assertThat(VectorOps.maxAbs(y, 0, y.length)).as("NaN beside ∞ at %d", at).isNaN();
            // Bits order magnitudes, NaN last: a NaN maximum's bits are above +∞'s, whatever NaN it is.
            assertThat(VectorOps.maxAbsBits(y, 0, y.length)).isGreaterThan(inf);
            y[at] = Float.intBitsToFloat(0xffc00001); // a NaN with its sign bit set
            assertThat(VectorOps.maxAbsBits(y, 0, y.length)).as("sign-set NaN at %d", at).isGreaterThan(inf);
        }
    }

    @Test
    void lengthMismatchesNameTheOperationAndBothLengths() {
        float[] shorter = new float[N - 1];
        assertThatThrownBy(() -> VectorOps.axpy(1f, x, shorter)).hasMessage("axpy: x has length 1003 but y has length 1002 (they must be equal)");
        assertThatThrownBy(() -> VectorOps.sub(x, y, shorter)).hasMessageContaining("sub: a has length 1003 but out has length 1002");
        assertThatThrownBy(() -> VectorOps.dot(shorter, x)).hasMessageContaining("dot:");
        assertThatThrownBy(() -> VectorOps.copy(x, shorter)).hasMessageContaining("copy: src");
        assertThatThrownBy(() -> VectorOps.requireLength("merge", "theta", x, 5)).hasMessage("merge: theta has length 1003, expected 5");
    }
}
