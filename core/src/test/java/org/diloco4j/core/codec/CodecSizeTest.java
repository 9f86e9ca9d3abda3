package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CodecSizeTest {
    private static final int[] LENGTHS = IntStream.concat(IntStream.rangeClosed(0, 70),
            IntStream.of(127, 128, 129, 255, 256, 257, 511, 4095, 4096, 4097, 4099, 8191, 8192, 8193, 12345,
                    65535, 65536, 65537, 131075, 200_003)).toArray();

    @Test
    void encodedSizeIsTheLengthOfEveryMessage() {
        for (Codec c : TestData.allCodecs()) {
            for (int n : LENGTHS) {
                float[] v = TestData.gaussian(n, n, 1e-2);
                assertThat((long) c.encode(v).length).as("%s, n=%d", c, n).isEqualTo(c.encodedSize(n));
            }
        }
    }

    @Test
    void sizesFollowTheDocumentedLayouts() {
        for (int n : LENGTHS) {
            assertThat(new Fp32Codec().encodedSize(n)).isEqualTo(8 + 4L * n);
            assertThat(new Fp16Codec().encodedSize(n)).isEqualTo(8 + 2L * n);
            assertThat(new Bf16Codec().encodedSize(n)).isEqualTo(8 + 2L * n);
            long chunks = (n + 65535L) / 65536;
            assertThat(new Int8Codec().encodedSize(n)).isEqualTo(12 + 1024 * chunks + n);
            long blocks = (n + 63L) / 64;
            assertThat(new Q4Codec().encodedSize(n)).isEqualTo(12 + 4 * blocks + (n + 1) / 2);
            assertThat(new Fp4Codec().encodedSize(n)).isEqualTo(12 + 4 * blocks + (n + 1) / 2);
            int k = (int) Math.ceil(n / 100.0 - 1e-12);
            int bits = n <= 1 ? 0 : (int) Math.ceil(Math.log(n) / Math.log(2) - 1e-12);
            assertThat(new TopKCodec(0.01).encodedSize(n)).as("n=%d", n).isEqualTo(20 + 4L * k + ((long) k * bits + 7) / 8);
        }
    }

    @Test
    void bytesPerParameterAtScale() {
        int n = 100_000_000;
        assertThat(new Bf16Codec().encodedSize(n) / (double) n).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(new Int8Codec().encodedSize(n) / (double) n).isCloseTo(1 + 1024.0 / 65536, org.assertj.core.data.Offset.offset(1e-4));
        // 4.5 bits per value: a 4-bit code plus a 32-bit scale per 64 values.
        assertThat(new Q4Codec().encodedSize(n) / (double) n).isCloseTo(0.5 + 4.0 / 64, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(new Fp4Codec().encodedSize(n) / (double) n).isCloseTo(0.5 + 4.0 / 64, org.assertj.core.data.Offset.offset(1e-6));
        // 1% of values, each 4 bytes plus a 27-bit index.
        assertThat(new TopKCodec(0.01).encodedSize(n) / (double) n).isCloseTo(0.01 * (4 + 27 / 8.0), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void sizesPastAnArrayAreComputedAndEncodingThemIsRefused() {
        assertThat(new Fp32Codec().encodedSize(Integer.MAX_VALUE)).isEqualTo(8 + 4L * Integer.MAX_VALUE);
        assertThatThrownBy(() -> new Fp32Codec().encodedSize(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void topKKeepsTheDecimalCeilingOfTheFraction() {
        assertThat(new TopKCodec(0.07).k(100)).isEqualTo(7); // 0.07 * 100 is 7.000000000000001 in binary
        assertThat(new TopKCodec(0.07).k(101)).isEqualTo(8);
        assertThat(new TopKCodec(0.01).k(1)).isEqualTo(1);
        assertThat(new TopKCodec(0.01).k(0)).isZero();
        assertThat(new TopKCodec(1).k(12345)).isEqualTo(12345);
        assertThat(new TopKCodec(1e-9).k(Integer.MAX_VALUE)).isEqualTo(3);
    }
}
