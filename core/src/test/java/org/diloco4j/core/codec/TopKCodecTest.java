package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKCodecTest {
    /** Reference: indices sorted by |x| descending, then index ascending; the first k, in index order. */
    private static int[] reference(float[] v, int k) {
        return IntStream.range(0, v.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -Math.abs(v[i])).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).sorted().toArray();
    }

    private static int[] nonZero(float[] d) {
        return IntStream.range(0, d.length).filter(i -> d[i] != 0).toArray();
    }

    @Test
    void keepsExactlyTheLargestMagnitudesAndZeroesTheRest() {
        for (double f : new double[] {0.001, 0.01, 0.1, 0.5, 0.9}) {
            for (int n : new int[] {1, 2, 3, 17, 1000, 20_011}) {
                float[] v = TestData.gaussian((long) (f * 1e6) + n, n, 1);
                TopKCodec c = new TopKCodec(f);
                float[] d = c.decode(c.encode(v), n);
                int[] kept = reference(v, c.k(n));
                assertThat(nonZero(d)).as("f=%s n=%d", f, n).isEqualTo(kept);
                for (int i : kept) assertThat(d[i]).isEqualTo(v[i]);
            }
        }
    }

    @Test
    void tiesGoToTheLowestIndices() {
        float[] v = new float[1000];
        Arrays.fill(v, 1f);
        for (int i = 0; i < v.length; i += 3) v[i] = -1f;
        v[500] = 2f;
        v[900] = -3f;
        TopKCodec c = new TopKCodec(0.01); // k = 10: the two big ones and the first 8 of the ties
        float[] d = c.decode(c.encode(v), v.length);
        assertThat(nonZero(d)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 500, 900);
    }

    @Test
    void findsTheThresholdWhenMagnitudesDifferOnlyInLowBitsOrAllCoincide() {
        float[] v = new float[5000];
        for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(0x3F800000 + (i * 7919) % 5000) * (i % 2 == 0 ? 1 : -1);
        TopKCodec c = new TopKCodec(0.013);
        assertThat(nonZero(c.decode(c.encode(v), v.length))).containsExactly(reference(v, c.k(v.length)));
        float[] same = new float[3000];
        Arrays.fill(same, 0.5f);
        assertThat(nonZero(c.decode(c.encode(same), same.length))).containsExactly(IntStream.range(0, c.k(3000)).toArray());
        float[] zeros = new float[3000];
        assertThat(c.decode(c.encode(zeros), zeros.length)).containsOnly(0f);
        // Mostly zeros, large enough that the threshold bin is rescanned instead of copied.
        float[] sparse = new float[2_000_000];
        for (int i = 0; i < sparse.length; i += 1000) sparse[i] = (i % 3 == 0 ? -1 : 1) * (1 + i / 1e7f);
        TopKCodec c2 = new TopKCodec(0.002); // 4000 kept: the 2000 non-zeros, then the first zeros
        float[] d = c2.decode(c2.encode(sparse), sparse.length);
        for (int i = 0; i < sparse.length; i += 1000) assertThat(d[i]).isEqualTo(sparse[i]);
        assertThat(nonZero(d)).hasSize(2000);
    }

    @Test
    void fractionOneIsLossless() {
        float[] v = TestData.gaussian(8, 999, 3);
        assertThat(new TopKCodec(1).decode(new TopKCodec(1).encode(v), v.length)).containsExactly(v);
    }

    @Test
    void decodeAddTouchesOnlyKeptEntries() {
        float[] v = TestData.gaussian(12, 4000, 1);
        TopKCodec c = new TopKCodec(0.05);
        byte[] m = c.encode(v);
        float[] acc = new float[4010];
        Arrays.fill(acc, 1f);
        c.decodeAdd(m, acc, 5, 4000, -2f);
        float[] d = c.decode(m, 4000);
        for (int i = 0; i < acc.length; i++) {
            float expected = i >= 5 && i < 4005 ? 1f + -2f * d[i - 5] : 1f;
            assertThat(acc[i]).as("acc %d", i).isEqualTo(expected);
        }
    }

    @Test
    void rejectsNonFiniteInputAndBadFractions() {
        float[] v = new float[100];
        v[42] = Float.NaN;
        assertThatThrownBy(() -> new TopKCodec(0.1).encode(v)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 42");
        for (double f : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> new TopKCodec(f)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fraction must be");
        }
    }

    @Test
    void bitPackingRoundTripsEveryWidth() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int bits = 1; bits <= 31; bits++) {
            for (int n : new int[] {0, 1, 7, 8, 9, 100}) {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = (int) (r.nextLong() & ((1L << bits) - 1));
                byte[] b = new byte[(int) BitPacking.bytes(n, bits) + 2];
                BitPacking.pack(v, n, bits, b, 1);
                int[] back = new int[n];
                assertThat(BitPacking.unpack(b, 1, n, bits, back)).isTrue();
                assertThat(back).containsExactly(v);
                assertThat(b[b.length - 1]).isZero();
            }
        }
        assertThat(BitPacking.bitsFor(1)).isZero();
        assertThat(BitPacking.bitsFor(2)).isEqualTo(1);
        assertThat(BitPacking.bitsFor(1 << 20)).isEqualTo(20);
        assertThat(BitPacking.bitsFor((1 << 20) + 1)).isEqualTo(21);
    }
}
