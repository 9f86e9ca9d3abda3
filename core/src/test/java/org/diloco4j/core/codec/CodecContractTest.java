package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What every codec promises, whatever its rounding. */
class CodecContractTest {
    @Test
    void encodingASliceEqualsEncodingACopyAndDecodingTouchesOnlyItsRange() {
        for (Codec c : TestData.allCodecs()) {
            float[] v = TestData.gaussian(6, 10_000, 1);
            byte[] m = c.encode(v, 1234, 5000);
            assertThat(m).as("%s", c).containsExactly(c.encode(Arrays.copyOfRange(v, 1234, 6234)));
            float[] out = new float[5100];
            Arrays.fill(out, 42f);
            c.decode(m, out, 50, 5000);
            float[] plain = c.decode(m, 5000);
            for (int i = 0; i < out.length; i++) {
                if (i < 50 || i >= 5050) assertThat(out[i]).isEqualTo(42f);
                else assertThat(Float.floatToRawIntBits(out[i])).isEqualTo(Float.floatToRawIntBits(plain[i - 50]));
            }
        }
    }

    @Test
    void decodeAddEqualsDecodingThenAddingInFp32() {
        for (Codec c : TestData.allCodecs()) {
            float[] v = TestData.gaussian(7, 3001, 1);
            byte[] m = c.encode(v);
            float[] acc = TestData.gaussian(8, 3001, 1);
            float[] expected = acc.clone();
            float[] d = c.decode(m, 3001);
            for (int i = 0; i < d.length; i++) expected[i] += 0.5f * d[i];
            c.decodeAdd(m, acc, 0, 3001, 0.5f);
            assertThat(acc).as("%s", c).containsExactly(expected);
        }
    }

    @Test
    void encodingIsDeterministicAndEmptyInputsWork() {
        for (Codec c : TestData.allCodecs()) {
            float[] v = TestData.gaussian(9, 777, 1);
            assertThat(c.encode(v)).containsExactly(c.encode(v.clone()));
            assertThat(c.decode(c.encode(new float[0]), 0)).isEmpty();
        }
    }

    @Test
    void fp32IsBitExactIncludingSpecialValues() {
        float[] v = {0f, -0f, Float.NaN, Float.intBitsToFloat(0x7FC12345), Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        float[] d = new Fp32Codec().decode(new Fp32Codec().encode(v), v.length);
        for (int i = 0; i < v.length; i++) assertThat(Float.floatToRawIntBits(d[i])).isEqualTo(Float.floatToRawIntBits(v[i]));
    }

    @Test
    void lossyCodecsKeepAllOfAnAlreadyQuantizedMessage() {
        // Decoding then re-encoding is a fixed point for the scalar codecs: nothing drifts when a coordinator re-broadcasts.
        for (Codec c : new Codec[] {new Fp16Codec(), new Bf16Codec(), new Q4Codec(), new Fp4Codec()}) {
            float[] once = c.decode(c.encode(TestData.gaussian(10, 5000, 1)), 5000);
            float[] twice = c.decode(c.encode(once), 5000);
            for (int i = 0; i < once.length; i++) assertThat(twice[i]).as("%s %d", c, i).isCloseTo(once[i], org.assertj.core.data.Offset.offset(Math.abs(once[i]) * 1e-6f));
        }
    }
}
