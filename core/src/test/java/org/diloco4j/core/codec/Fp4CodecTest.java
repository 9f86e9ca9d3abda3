package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Fp4CodecTest {
    /** Bit for bit against the numpy reference (src/test/python/codec/make_fp4_fixture.py), ties and tiny and huge scales included. */
    @Test
    void matchesTheNumpyReferenceBitForBit() throws IOException {
        int cases = 0;
        int values = 0;
        try (var in = getClass().getResourceAsStream("fp4_reference.txt");
                var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.startsWith("case")) continue;
                String[] h = line.split(" ");
                int block = Integer.parseInt(h[1]);
                int n = Integer.parseInt(h[2]);
                float[] x = new float[n];
                int[] ref = new int[n];
                for (int i = 0; i < n; i++) {
                    String[] p = r.readLine().split(" ");
                    x[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(p[0], 16));
                    ref[i] = Integer.parseUnsignedInt(p[1], 16);
                }
                Fp4Codec c = new Fp4Codec(block);
                float[] d = c.decode(c.encode(x), n);
                for (int i = 0; i < n; i++) {
                    assertThat(Integer.toHexString(Float.floatToRawIntBits(d[i]))).as("block %d value %d = %s", block, i, x[i])
                            .isEqualTo(Integer.toHexString(ref[i]));
                }
                cases++;
                values += n;
            }
        }
        assertThat(cases).isEqualTo(5);
        assertThat(values).isGreaterThan(11_000);
    }

    @Test
    void everyValueIsWithinAThirdOfItselfOrHalfTheSmallestLevelAndDecodesToALevel() {
        for (int block : new int[] {2, 6, 64, 100, 4096, 6000}) {
            Fp4Codec c = new Fp4Codec(block);
            for (int n : new int[] {1, 5, 63, 64, 65, 4097, 20_001}) {
                float[] v = TestData.gaussian(block * 17L + n, n, 0.5);
                float[] d = c.decode(c.encode(v), n);
                for (int s = 0; s < n; s += block) {
                    int e = Math.min(n, s + block);
                    float a = 0;
                    for (int i = s; i < e; i++) a = Math.max(a, Math.abs(v[i]));
                    for (int i = s; i < e; i++) {
                        double bound = Math.max(Math.abs(v[i]) / 3.0, a * 0x1p-7) * (1 + 1e-6);
                        assertThat((double) Math.abs(d[i] - v[i])).as("block %d n %d value %d", block, n, i).isLessThanOrEqualTo(bound);
                        if (d[i] != 0) {
                            double k = Math.log(Math.abs(d[i]) / (double) a) / Math.log(2);
                            assertThat(k).isCloseTo(Math.rint(k), org.assertj.core.data.Offset.offset(1e-9)).isBetween(-6.0, 0.0);
                            assertThat(Math.signum(d[i])).isEqualTo(Math.signum(v[i]));
                        }
                    }
                }
            }
        }
    }

    /** The bit trick that finds the field agrees with counting the thresholds it exceeds, around every threshold and across [0, 1]. */
    @Test
    void theFieldIsTheNumberOfThresholdsExceeded() {
        float[] t = {0x1p-7f, 0x3p-7f, 0x3p-6f, 0x3p-5f, 0x3p-4f, 0x3p-3f, 0x3p-2f};
        java.util.function.IntConsumer check = bits -> {
            float r = Float.intBitsToFloat(bits);
            int count = 0;
            for (float x : t) if (r > x) count++;
            assertThat(Fp4Codec.field(bits)).as("r = %s (0x%08x)", r, bits).isEqualTo(count);
        };
        for (float x : t) for (int d = -2000; d <= 2000; d++) check.accept(Float.floatToRawIntBits(x) + d);
        for (int bits = 0; bits <= 0x3F800000; bits += 97) check.accept(bits);
        check.accept(0x3F800000);
    }

    @Test
    void theBoundIsReachedAtTheMidpoints() {
        // Midway between a/4 and a/2 (3a/8) the error is a/8 = |x|/3: the bound is tight.
        float[] v = {1f, 0.375f, -0.375f, 0x1p-7f, 0x1.0001p-7f, 0.7f};
        float[] d = new Fp4Codec(6).decode(new Fp4Codec(6).encode(v), v.length);
        assertThat(d).containsExactly(1f, 0.25f, -0.25f, 0f, 0x1p-6f, 0.5f);
    }

    @Test
    void rejectsNonFiniteInputAndBadBlockSizes() {
        float[] v = new float[200];
        v[130] = Float.NaN;
        assertThatThrownBy(() -> new Fp4Codec().encode(v)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 130").hasMessageContaining("NaN");
        for (int b : new int[] {0, -2, 3, 1, Fp4Codec.MAX_BLOCK + 2}) {
            assertThatThrownBy(() -> new Fp4Codec(b)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("block must be a positive even integer").hasMessageContaining(String.valueOf(b));
        }
    }

    @Test
    void sizeIsFourBitsPlusOneFp32ScalePerBlock() {
        assertThat(new Fp4Codec().encodedSize(1000)).isEqualTo(12 + 4 * 16 + 500);
        assertThat(new Fp4Codec(32).encodedSize(1001)).isEqualTo(12 + 4 * 32 + 501);
        // 4 + 32/64 = 4.5 bits per value at the default block.
        assertThat(new Fp4Codec().encodedSize(64_000_000) * 8.0 / 64_000_000).isCloseTo(4.5, org.assertj.core.data.Offset.offset(1e-5));
    }
}
