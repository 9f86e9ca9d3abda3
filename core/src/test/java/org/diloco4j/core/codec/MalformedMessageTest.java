package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every way a message can be wrong ends in a CodecException that says what was wrong, and nothing else. */
class MalformedMessageTest {
    private static final int N = 37;

    private static byte[] message(Codec c, int n) {
        return c.encode(TestData.gaussian(77, n, 1));
    }

    private static void assertRejected(Codec c, byte[] m, int len, String... fragments) {
        Throwable t = catchThrowable(() -> c.decode(m, new float[len], 0, len));
        assertThat(t).as("%s", c).isInstanceOf(CodecException.class);
        for (String f : fragments) assertThat(t).as("%s", c).hasMessageContaining(f);
        float[] acc = new float[len];
        Arrays.fill(acc, 5f);
        assertThat(catchThrowable(() -> c.decodeAdd(m, acc, 0, len, 1f))).isInstanceOf(CodecException.class);
        for (float a : acc) assertThat(a).as("decodeAdd leaves acc unchanged on failure").isEqualTo(5f);
    }

    @Test
    void truncationAtEveryByteIsDetected() {
        for (Codec c : TestData.allCodecs()) {
            for (int n : new int[] {0, 1, N, 300}) {
                byte[] m = message(c, n);
                for (int cut = 0; cut < m.length; cut++) assertRejected(c, Arrays.copyOf(m, cut), n, "truncated");
            }
        }
    }

    @Test
    void trailingBytesAreDetected() {
        for (Codec c : TestData.allCodecs()) {
            byte[] m = message(c, N);
            assertRejected(c, Arrays.copyOf(m, m.length + 1), N, "1 trailing bytes");
            assertRejected(c, Arrays.copyOf(m, m.length + 9), N, "9 trailing bytes");
        }
    }

    @Test
    void aCountOtherThanTheExpectedLengthIsDetected() {
        for (Codec c : TestData.allCodecs()) {
            byte[] m = message(c, N);
            assertRejected(c, m, N - 1, "holds 37 values, expected 36");
            assertRejected(c, m, N + 1, "holds 37 values, expected 38");
            byte[] bad = m.clone();
            Wire.INT.set(bad, 4, -5);
            assertRejected(c, bad, N, "holds -5 values");
        }
    }

    @Test
    void messagesOfAnotherCodecAreRejected() {
        for (Codec c : TestData.allCodecs()) {
            for (Codec other : TestData.allCodecs()) {
                if (other.equals(c)) continue;
                byte[] m = message(other, N);
                String what = other.name().equals(c.name()) ? "expected" : "got a " + other.name() + " message, expected " + c.name();
                assertRejected(c, m, N, what);
            }
        }
        assertRejected(new Int8Codec(), message(new Int8Codec(256), N), N, "chunk 256, expected 65536");
        assertRejected(new Q4Codec(), message(new Q4Codec(6), N), N, "block 6, expected 64");
        assertRejected(new Fp4Codec(), message(new Fp4Codec(6), N), N, "block 6, expected 64");
        assertRejected(new TopKCodec(0.01), message(new TopKCodec(0.3), N), N, "fraction 0.3, expected 0.01");
    }

    @Test
    void corruptHeadersAreRejected() {
        for (Codec c : TestData.allCodecs()) {
            byte[] m = message(c, N);
            byte[] magic = m.clone();
            magic[0] = 'P';
            assertRejected(c, magic, N, "not a codec message");
            byte[] version = m.clone();
            version[3] = 2;
            assertRejected(c, version, N, "version 2");
            byte[] id = m.clone();
            id[2] = 99;
            assertRejected(c, id, N, "unknown codec id 99");
        }
    }

    @Test
    void int8TablesMustBeFinite() {
        Int8Codec c = new Int8Codec(256);
        byte[] m = message(c, 300);
        byte[] bad = m.clone();
        Wire.FLOAT.set(bad, 12 + 1024 + 256 + 4 * 7, Float.NaN); // second chunk, entry 7
        assertRejected(c, bad, 300, "table entry 7 of chunk 1 is NaN");
    }

    @Test
    void q4ScalesNibblesAndPaddingAreChecked() {
        Q4Codec c = new Q4Codec(6);
        byte[] m = message(c, N); // 7 blocks; nibbles: 4 words (32 values), then 5 values in 3 bytes
        int nibbles = 12 + 4 * 7;
        for (float s : new float[] {Float.NaN, -1f, Float.POSITIVE_INFINITY}) {
            byte[] bad = m.clone();
            Wire.FLOAT.set(bad, 12 + 4 * 3, s);
            assertRejected(c, bad, N, "scale of block 3 is " + s);
        }
        byte[] zero = m.clone();
        zero[nibbles] &= (byte) 0xF0;
        assertRejected(c, zero, N, "nibble 0");
        byte[] padding = m.clone();
        padding[padding.length - 1] |= 0x10;
        assertRejected(c, padding, N, "padding");
    }

    @Test
    void fp4ScalesNibblesAndPaddingAreChecked() {
        Fp4Codec c = new Fp4Codec(6);
        byte[] m = message(c, N); // 7 blocks; nibbles: 4 words (32 values), then 5 values in 3 bytes
        int nibbles = 12 + 4 * 7;
        for (float s : new float[] {Float.NaN, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            byte[] bad = m.clone();
            Wire.FLOAT.set(bad, 12 + 4 * 3, s);
            assertRejected(c, bad, N, "scale of block 3 is " + s);
        }
        byte[] negativeZero = m.clone();
        negativeZero[nibbles] = (byte) ((negativeZero[nibbles] & 0xF0) | 8);
        assertRejected(c, negativeZero, N, "nibble 8 (negative zero) at value 0");
        byte[] padding = m.clone();
        padding[padding.length - 1] |= 0x10;
        assertRejected(c, padding, N, "padding");
    }

    @Test
    void topKIndicesValuesAndCountsAreChecked() {
        TopKCodec c = new TopKCodec(0.3);
        int k = c.k(N); // 12 indices of 6 bits
        byte[] m = message(c, N);
        int at = 20 + 4 * k;
        int[] idx = new int[k];
        assertThat(BitPacking.unpack(m, at, k, 6, idx)).isTrue();

        int[] outOfRange = idx.clone();
        outOfRange[k - 1] = 40;
        assertRejected(c, withIndices(m, at, outOfRange), N, "index 40 out of range [0, 37)");
        int[] repeated = idx.clone();
        repeated[3] = repeated[2];
        assertRejected(c, withIndices(m, at, repeated), N, "not strictly increasing");

        byte[] nan = m.clone();
        Wire.FLOAT.set(nan, 20 + 4 * 2, Float.NaN);
        assertRejected(c, nan, N, "kept value 2 is NaN");
        byte[] count = m.clone();
        Wire.INT.set(count, 16, k - 1);
        assertRejected(c, count, N, "keeps 11 values, expected 12");
        // 12 indices of 6 bits fill 9 bytes exactly; k = 2 leaves 4 padding bits.
        TopKCodec c3 = new TopKCodec(0.05);
        byte[] m3 = message(c3, N); // k = 2, 12 bits: 4 padding bits
        m3[m3.length - 1] |= (byte) 0x80;
        assertRejected(c3, m3, N, "padding bits");
    }

    private static byte[] withIndices(byte[] m, int at, int[] idx) {
        byte[] b = m.clone();
        Arrays.fill(b, at, b.length, (byte) 0);
        BitPacking.pack(idx, idx.length, 6, b, at);
        return b;
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() {
        SplittableRandom r = new SplittableRandom(3);
        for (Codec c : TestData.allCodecs()) {
            byte[] m = message(c, 300);
            for (int trial = 0; trial < 400; trial++) {
                byte[] bad = m.clone();
                int flips = 1 + r.nextInt(3);
                for (int f = 0; f < flips; f++) bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
                Throwable t = catchThrowable(() -> c.decode(bad, new float[300], 0, 300));
                if (t != null) assertThat(t).as("%s trial %d", c, trial).isInstanceOf(CodecException.class);
            }
        }
    }

    @Test
    void outOfBoundsOutputRangesAreCallerErrors() {
        Codec c = new Q4Codec();
        byte[] m = message(c, N);
        assertThatThrownBy(() -> c.decode(m, new float[N], 1, N)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> c.encode(new float[N], 2, N)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
