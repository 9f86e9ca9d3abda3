package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** θ travels only in fp32, bf16 or fp16, within the bound each states, and is refused rather than saturated. */
class ThetaDownlinkTest {
    @Test
    void onlyFp32Bf16AndFp16MayCarryTheta() {
        assertThat(ThetaDownlink.parse("fp32")).isEqualTo(new Fp32Codec());
        assertThat(ThetaDownlink.parse(" BF16")).isEqualTo(new Bf16Codec());
        assertThat(ThetaDownlink.parse("fp16")).isEqualTo(new Fp16Codec());
        for (String lossy : List.of("int8", "int8:chunk=256", "q4", "fp4:block=32", "topk:0.5")) {
            assertThatThrownBy(() -> ThetaDownlink.parse(lossy)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("θ is sent to workers only in fp32, bf16, fp16, never in a lossy codec like '" + lossy
                            + "' (it would quantize the weights themselves on every pull)");
        }
        assertThatThrownBy(() -> ThetaDownlink.parse("zstd")).hasMessageContaining("unknown codec 'zstd'").hasMessageEndingWith("θ is sent in fp32, bf16, fp16");
    }

    /** Values over the whole range each codec can carry, subnormals included: every one within its bound; fp32 bit for bit. */
    @Test
    void everyValueArrivesWithinTheStatedBound() {
        SplittableRandom r = new SplittableRandom(5);
        for (Codec c : List.of(new Fp32Codec(), new Bf16Codec(), new Fp16Codec())) {
            double maxExp = c instanceof Fp16Codec ? 15.9 : 127.9;
            double minExp = c instanceof Fp16Codec ? -30 : -149;
            float[] theta = new float[50_000];
            for (int i = 0; i < theta.length; i++) {
                double e = minExp + (maxExp - minExp) * r.nextDouble();
                theta[i] = (float) ((r.nextBoolean() ? 1 : -1) * (1 + r.nextDouble()) * Math.pow(2, e) / 2);
            }
            theta[0] = 0f;
            theta[1] = c instanceof Fp16Codec ? 65504f : Float.MAX_VALUE / 2;
            theta[2] = Float.MIN_VALUE;
            assertThat(ThetaDownlink.refusal(c, theta)).isNull();
            float[] received = c.decode(c.encode(theta), theta.length);
            double worstRelative = 0;
            for (int i = 0; i < theta.length; i++) {
                double err = Math.abs((double) received[i] - theta[i]);
                assertThat(err).as("%s: %s (0x%08x) arrived as %s", c, theta[i], Float.floatToRawIntBits(theta[i]), received[i])
                        .isLessThanOrEqualTo(ThetaDownlink.bound(c, theta[i]));
                if (c instanceof Fp32Codec) assertThat(Float.floatToRawIntBits(received[i])).isEqualTo(Float.floatToRawIntBits(theta[i]));
                if (Math.abs(theta[i]) >= 1e-3) worstRelative = Math.max(worstRelative, err / Math.abs(theta[i]));
            }
            // The bounds are tight: the worst relative error of 50 000 random values comes within a factor 2 of them.
            if (c instanceof Bf16Codec) assertThat(worstRelative).isGreaterThan(0x1p-9);
            if (c instanceof Fp16Codec) assertThat(worstRelative).isGreaterThan(0x1p-12);
        }
        assertThat(ThetaDownlink.bound(new Bf16Codec(), 1f)).isEqualTo(0x1p-8);
        assertThat(ThetaDownlink.bound(new Bf16Codec(), 1e-39f)).isEqualTo(0x1p-134);
        assertThat(ThetaDownlink.bound(new Fp16Codec(), 1000f)).isEqualTo(1000 * 0x1p-11);
        assertThat(ThetaDownlink.bound(new Fp16Codec(), 1e-6f)).isEqualTo(0x1p-25);
    }

    @Test
    void thetaACodecCannotCarryIsRefusedWithTheValueAndIndex() {
        float[] theta = {1f, -2f, 70000f, 3f};
        assertThat(ThetaDownlink.refusal(new Fp16Codec(), theta))
                .isEqualTo("θ holds 70000.0 at index 2, beyond fp16's largest value 65504: outer.down_codec = fp16 cannot send it (bf16 or fp32 can)");
        assertThat(ThetaDownlink.refusal(new Fp16Codec(), new float[] {65504f, -65504f})).isNull();
        assertThat(ThetaDownlink.refusal(new Fp16Codec(), new float[] {-65504.01f})).contains("index 0");
        assertThat(ThetaDownlink.refusal(new Bf16Codec(), theta)).isNull();
        assertThat(ThetaDownlink.refusal(new Bf16Codec(), new float[] {0f, -Float.MAX_VALUE}))
                .isEqualTo("θ holds -3.40282e+38 at index 1, beyond bf16's largest value 3.3895e38");
        // Just below the rounding threshold bf16 still has a finite value.
        assertThat(ThetaDownlink.refusal(new Bf16Codec(), new float[] {Float.intBitsToFloat(0x7F7F7FFF)})).isNull();
        assertThat(new Bf16Codec().decode(new Bf16Codec().encode(new float[] {Float.intBitsToFloat(0x7F7F8000)}), 1)[0]).isInfinite();
        for (Codec c : List.of(new Fp32Codec(), new Bf16Codec(), new Fp16Codec())) {
            assertThat(ThetaDownlink.refusal(c, new float[] {0f, Float.NaN})).isEqualTo("θ holds NaN at index 1");
            assertThat(ThetaDownlink.refusal(c, new float[] {Float.NEGATIVE_INFINITY})).isEqualTo("θ holds -Infinity at index 0");
        }
        assertThatThrownBy(() -> ThetaDownlink.refusal(new Q4Codec(), theta)).hasMessageContaining("not a θ codec");
    }

    /** A θ message written in parts (each a message of its own) is byte for byte the message of the whole, header count included. */
    @Test
    void partsConcatenateToTheWholeMessage() {
        float[] theta = new float[3 * Bf16Codec.GROUP + 5];
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < theta.length; i++) theta[i] = (float) r.nextGaussian();
        int[] starts = {0, Bf16Codec.GROUP, 3 * Bf16Codec.GROUP, theta.length};   // parts of one, two groups and 5 values
        for (Codec c : List.of(new Fp32Codec(), new Bf16Codec(), new Fp16Codec())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long written = ThetaDownlink.concatenate(c, theta.length, starts.length - 1,
                    i -> c.encode(theta, starts[i], starts[i + 1] - starts[i]), out::write);
            byte[] whole = c.encode(theta);
            assertThat(out.toByteArray()).as("%s", c).isEqualTo(whole);
            assertThat(written).isEqualTo(whole.length);
        }
    }
}
