package org.diloco4j.core.codec;

import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * θ encoded for a pull from its chunks is the message encoding it as one array makes, byte for
 * byte, for every θ codec; bf16's groups of 4096 values may not straddle chunks, so smaller chunks
 * are refused with a message saying what to do.
 */
class ThetaChunksTest {
    /** Three and a half bf16 groups, with special values at chunk edges. */
    static float[] theta() {
        float[] t = TestVectors.gaussian(8, 3 * Bf16Codec.GROUP + 2051, 3);
        t[1023] = -0f;
        t[1024] = Float.MIN_VALUE;
        t[4095] = 70000f; // beyond fp16: clamped the same either way
        t[4096] = 1e-30f;
        return t;
    }

    @ParameterizedTest
    @CsvSource({"fp32, 10", "fp16, 10", "fp32, 12", "fp16, 12", "bf16, 12", "bf16, 13"})
    void aChunkedThetaEncodesAsOneArray(String spec, int shift) {
        Codec codec = ThetaDownlink.parse(spec);
        float[] t = theta();
        Fp32Vector v = Fp32Vector.copyOf(t, shift);
        assertThat(v.chunkCount()).isGreaterThan(1);
        assertThat(ThetaDownlink.encode(codec, v)).isEqualTo(codec.encode(t));
        assertThat(ThetaDownlink.encode(codec, Fp32Vector.wrap(t))).isEqualTo(codec.encode(t));
    }

    @ParameterizedTest
    @CsvSource({"bf16, 10", "bf16, 11"})
    void chunksThatSplitABf16GroupAreRefused(String spec, int shift) {
        Fp32Vector v = Fp32Vector.copyOf(theta(), shift);
        assertThatThrownBy(() -> ThetaDownlink.encode(ThetaDownlink.parse(spec), v)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("θ in chunks of 2^" + shift + " values cannot be encoded chunk by chunk in bf16: its groups of 4096 values"
                        + " would straddle chunks; hold θ in chunks of at least 4096 values");
    }
}
