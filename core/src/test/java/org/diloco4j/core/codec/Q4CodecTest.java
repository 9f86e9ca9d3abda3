package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class Q4CodecTest {
    @Test
    void everyErrorIsAtMostHalfAStepOfItsBlockAndDecodedValuesAreLevels() {
        for (int block : new int[] {2, 6, 64, 100, 4096, 6000}) {
            Q4Codec c = new Q4Codec(block);
            for (int n : new int[] {1, 5, 63, 64, 65, 4095, 4097, 12_347, 20_001}) {
                float[] v = TestData.gaussian(block * 31L + n, n, 0.5);
                float[] d = c.decode(c.encode(v), n);
                for (int s = 0; s < n; s += block) {
                    int e = Math.min(n, s + block);
                    float absmax = 0;
                    for (int i = s; i < e; i++) absmax = Math.max(absmax, Math.abs(v[i]));
                    double step = absmax / 7.0;
                    Set<Float> levels = new TreeSet<>();
                    for (int i = s; i < e; i++) {
                        assertThat((double) Math.abs(d[i] - v[i])).as("block %d n %d value %d", block, n, i)
                                .isLessThanOrEqualTo(step / 2 * (1 + 1e-6));
                        levels.add(d[i]);
                        double level = d[i] / step;
                        assertThat(Math.abs(level - Math.rint(level))).isLessThan(1e-4);
                        assertThat(Math.abs(Math.rint(level))).isLessThanOrEqualTo(7);
                    }
                    assertThat(levels.size()).isLessThanOrEqualTo(15);
                }
            }
        }
    }

    @Test
    void zeroAndTheBlockExtremesAreExact() {
        float[] v = {0f, 0.3f, -2.5f, 1f, 0f, 2.5f, 0.1f, -0.7f};
        float[] d = new Q4Codec(8).decode(new Q4Codec(8).encode(v), v.length);
        assertThat(d[0]).isZero();
        assertThat(d[4]).isZero();
        assertThat(d[2]).isCloseTo(-2.5f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(d[5]).isCloseTo(2.5f, org.assertj.core.data.Offset.offset(1e-6f));
        // 1 is 2.8 steps of 2.5/7: level 3.
        assertThat(d[3]).isCloseTo(3 * 2.5f / 7, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void allZeroTinyAndHugeBlocks() {
        Q4Codec c = new Q4Codec();
        assertThat(c.decode(c.encode(new float[130]), 130)).containsOnly(0f);
        for (double scale : new double[] {1e-44, 1e-39, 1e-30, 1e30, 1e36}) {
            float[] v = TestData.gaussian(2, 640, 1);
            float amax = 0;
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / 4 * scale);
                amax = Math.max(amax, Math.abs(v[i]));
            }
            float[] d = c.decode(c.encode(v), v.length);
            for (int i = 0; i < v.length; i++) {
                // Bounded by the largest block absmax over 14, plus subnormal spacing for the tiniest.
                assertThat((double) Math.abs(d[i] - v[i])).as("scale %s value %d", scale, i).isLessThanOrEqualTo(amax / 14.0 * 1.0001 + 4 * Float.MIN_VALUE);
                assertThat(d[i]).isFinite();
            }
        }
    }

    @Test
    void rejectsNonFiniteInput() {
        float[] v = new float[200];
        v[130] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> new Q4Codec().encode(v)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 130").hasMessageContaining("Infinity");
    }

    @Test
    void rejectsBadBlockSizes() {
        for (int b : new int[] {0, -2, 3, 1, Q4Codec.MAX_BLOCK + 2}) {
            assertThatThrownBy(() -> new Q4Codec(b)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("block must be a positive even integer").hasMessageContaining(String.valueOf(b));
        }
    }
}
