package org.diloco4j.core.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A malicious (or broken) worker crafts payload bytes carrying NaN or ±infinity: under every codec
 * the coordinator rejects them, whether its decoder refuses the bytes or decodes them to a
 * non-finite value, and θ stays the same bit for bit. No codec masks a non-finite value as a finite one.
 */
class NonFinitePayloadTest {
    static final int N = 64;
    static final int HEADER = 8;

    /** A crafted message: a valid encoding of small values with bytes at {@code at} overwritten. */
    record Crafted(String codec, String what, byte[] bytes) {
    }

    static byte[] valid(String spec) {
        float[] v = new float[N];
        for (int i = 0; i < N; i++) v[i] = 0.01f * ((i % 7) - 3);
        return Codecs.parse(spec).encode(v);
    }

    static byte[] withFloat(String spec, int at, float x) {
        byte[] b = valid(spec);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, x);
        return b;
    }

    static byte[] withShort(String spec, int at, int bits) {
        byte[] b = valid(spec);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) bits);
        return b;
    }

    static List<Crafted> crafted() {
        List<Crafted> out = new ArrayList<>();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            out.add(new Crafted("fp32", "value 5 = " + bad, withFloat("fp32", HEADER + 4 * 5, bad)));
            // int8: the table entry of value 0's code (the codes follow the 1024-byte table; an entry no value
            // uses is let through); q4 and fp4: the scale of block 0; top-k: kept value 2.
            int code = valid("int8")[HEADER + 4 + 1024] & 0xFF;
            out.add(new Crafted("int8", "table entry = " + bad, withFloat("int8", HEADER + 4 + 4 * code, bad)));
            out.add(new Crafted("q4:block=64", "scale = " + bad, withFloat("q4:block=64", HEADER + 4, bad)));
            out.add(new Crafted("fp4:block=64", "scale = " + bad, withFloat("fp4:block=64", HEADER + 4, bad)));
            out.add(new Crafted("topk:0.25", "kept value = " + bad, withFloat("topk:0.25", HEADER + 12 + 4 * 2, bad)));
        }
        // fp16: 0x7C00 / 0xFC00 are ±infinity, 0x7E00 NaN; bf16: 0x7F80 / 0xFF80, 0x7FC0.
        for (int bits : new int[] {0x7C00, 0xFC00, 0x7E00}) out.add(new Crafted("fp16", "half 0x" + Integer.toHexString(bits), withShort("fp16", HEADER + 2 * 9, bits)));
        for (int bits : new int[] {0x7F80, 0xFF80, 0x7FC0}) out.add(new Crafted("bf16", "bf16 0x" + Integer.toHexString(bits), withShort("bf16", HEADER, bits)));
        // A finite but huge q4 scale: 7 × 3e38 overflows to infinity when decoded.
        out.add(new Crafted("q4:block=64", "scale = 3e38", withFloat("q4:block=64", HEADER + 4, 3e38f)));
        return out;
    }

    @Test
    void nonFiniteValuesAreRejectedUnderEveryCodecAndThetaIsUnchangedBitForBit() {
        List<Crafted> all = crafted();
        assertThat(all).extracting(Crafted::codec).contains("fp32", "fp16", "bf16", "int8", "q4:block=64", "fp4:block=64", "topk:0.25");
        for (Crafted k : all) {
            CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).upCodec(k.codec())
                    .outer(OuterOptimizerConfig.nesterov(0.7, 0.9)).build();
            float[] theta0 = new float[N];
            for (int i = 0; i < N; i++) theta0[i] = (float) Math.sin(i);
            List<Metric> metrics = new ArrayList<>();
            Coordinator c = new Coordinator(cfg, FragmentPlan.whole(N), theta0, metrics::add);
            Answers.handle(c, new Event.Join("evil", -1, 0, 0));
            // The decoder either refuses the bytes or hands back the non-finite value: it never turns it into a finite one.
            Codec codec = Codecs.parse(k.codec());
            try {
                float[] d = codec.decode(k.bytes(), N);
                boolean nonFinite = false;
                for (float x : d) nonFinite |= !Float.isFinite(x);
                assertThat(nonFinite).as("%s %s decodes to finite values", k.codec(), k.what()).isTrue();
            } catch (org.diloco4j.core.codec.CodecException refused) {
                // refused as malformed: fine
            }
            List<Command> out = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 80, 1, new Payload.Bytes(k.codec(), k.bytes()), 1));
            assertThat(out).as("%s %s", k.codec(), k.what()).anyMatch(x -> x instanceof Command.Reject r
                    && (r.reason().contains("non-finite") || r.reason().startsWith("undecodable")));
            assertThat(out).anyMatch(x -> x instanceof Command.Unapplied u && u.member() == 0 && u.fragment() == 0 && u.baseVersion() == 0);
            for (int i = 0; i < N; i++) assertThat(Float.floatToRawIntBits(c.theta()[i])).isEqualTo(Float.floatToRawIntBits(theta0[i]));
            assertThat(c.version()).isZero();
            assertThat(metrics).anyMatch(m -> m instanceof Metric.Decision d && d.kind() == DecisionKind.REJECT);
        }
    }
}
