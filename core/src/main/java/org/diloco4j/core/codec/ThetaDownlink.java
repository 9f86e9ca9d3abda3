package org.diloco4j.core.codec;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.VectorOps;

/**
 * The codecs θ may travel to workers in, and what each guarantees. θ is the model itself: the
 * pseudo-gradient codecs (int8, q4, fp4, top-k) would quantize or zero the weights on every pull,
 * which no DiLoCo paper does, so the downlink is restricted to fp32, bf16 and fp16, and a θ one of
 * them cannot carry is refused rather than saturated. What a worker receives, θ_w, for each
 * coordinator value x:
 * <ul>
 *   <li>fp32: θ_w = x, bit for bit.</li>
 *   <li>bf16 (round to nearest even, 8 significant bits): |θ_w − x| ≤ 2^-8·|x| for |x| ≥ 2^-126,
 *       ≤ 2^-134 below (bf16 subnormals); refused if some |x| rounds past the largest bf16,
 *       3.3895e38 (its fp32 bits, sign cleared, ≥ 0x7F7F8000).</li>
 *   <li>fp16 (round to nearest even, 11 significant bits): |θ_w − x| ≤ 2^-11·|x| for |x| in
 *       [2^-14, 65504], ≤ 2^-25 below (fp16 subnormals); refused if some |x| &gt; 65504.</li>
 * </ul>
 * A non-finite θ is refused whatever the codec.
 */
public final class ThetaDownlink {
    /** The codec families θ may be sent in. */
    public static final Set<CodecKind> ALLOWED = EnumSet.of(CodecKind.FP32, CodecKind.BF16, CodecKind.FP16);
    /** Smallest |x| (as fp32 bits, sign cleared) that bf16 rounds to infinity. */
    private static final int BF16_OVERFLOW_BITS = 0x7F7F8000;

    private ThetaDownlink() {}

    /** "fp32, bf16, fp16", for messages. */
    public static String allowed() {
        return "fp32, bf16, fp16";
    }

    /**
     * The codec a downlink spec names.
     *
     * @throws IllegalArgumentException naming the spec and the allowed codecs if it is not one θ may travel in
     */
    public static Codec parse(String spec) {
        Codec c;
        try {
            c = Codecs.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; θ is sent in " + allowed());
        }
        if (!ALLOWED.contains(kindOf(c))) {
            throw new IllegalArgumentException("θ is sent to workers only in " + allowed() + ", never in a lossy codec like '" + spec.strip()
                    + "' (it would quantize the weights themselves on every pull)");
        }
        return c;
    }

    private static CodecKind kindOf(Codec c) {
        return CodecKind.ofConfigName(c.name());
    }

    /**
     * Why {@code values} cannot be sent with {@code codec} within its bound, or null if they can.
     * One vectorized pass over the values; the offending index is searched only on failure.
     */
    public static String refusal(Codec codec, float[] values) {
        return refusal(codec, values, 0);
    }

    /** Where the bytes of a θ message made of parts go, in order. */
    public interface Sink<E extends Exception> {
        void write(byte[] b, int off, int len) throws E;
    }

    /**
     * One message of {@code count} values of a θ codec written to {@code sink} from {@code parts}
     * consecutive runs of them, part {@code i} encoded by {@code part} as a message of its own: the
     * first part's header, given the whole count, then every part's values' bytes after its header.
     * Byte for byte the message encoding all the values as one array makes, if the parts do not split
     * a bf16 group of {@link Bf16Codec#GROUP} values (the caller's to ensure).
     * Only one part's message is on the heap at a time. Returns the bytes written.
     *
     * @throws IllegalArgumentException if {@code codec} is not one θ travels in
     */
    public static <E extends Exception> long concatenate(Codec codec, long count, int parts, IntFunction<byte[]> part, Sink<E> sink) throws E {
        thetaKind(codec);
        long written = 0;
        for (int i = 0; i == 0 || i < parts; i++) {
            byte[] p = part.apply(i);
            if (i == 0) Wire.count(p, Math.toIntExact(count));
            int from = i == 0 ? 0 : Wire.HEADER;
            sink.write(p, from, p.length - from);
            written += p.length - from;
        }
        return written;
    }

    private static CodecKind thetaKind(Codec codec) {
        CodecKind kind = kindOf(codec);
        if (!ALLOWED.contains(kind)) throw new IllegalArgumentException(codec.spec() + " is not a θ codec; allowed: " + allowed());
        return kind;
    }

    /** {@link #refusal(Codec, float[])} of a chunked θ, chunk by chunk; an index named is the value's index in the whole vector. */
    public static String refusal(Codec codec, Fp32Vector values) {
        for (int i = 0; i < values.chunkCount(); i++) {
            String bad = refusal(codec, values.chunk(i), values.chunkStart(i));
            if (bad != null) return bad;
        }
        return values.chunkCount() == 0 ? refusal(codec, new float[0], 0) : null;
    }

    /**
     * Whether {@code codec} carries a θ whose largest |θ_i| is {@code maxAbs} (NaN or ∞ if any value
     * is not finite) within its bound: {@link #refusal} is null exactly when this is true of θ's max.
     */
    public static boolean carries(Codec codec, double maxAbs) {
        float a = (float) maxAbs;
        return switch (thetaKind(codec)) {
            case FP32 -> Float.isFinite(a);
            case BF16 -> Float.isFinite(a) && Wire.absBits(a) < BF16_OVERFLOW_BITS;
            case FP16 -> a <= Fp16Codec.MAX;
            default -> throw new AssertionError("thetaKind admits only fp32, bf16, fp16");
        };
    }

    /** @param base the index of {@code values[0]} in θ, for the message */
    private static String refusal(Codec codec, float[] values, long base) {
        CodecKind kind = kindOf(codec);
        float a = VectorOps.maxAbs(values, 0, values.length);
        if (carries(codec, a)) return null;
        for (int i = 0; i < values.length; i++) {
            float x = values[i];
            if (!Float.isFinite(x)) return String.format(Locale.ROOT, "θ holds %s at index %d", x, base + i);
            if (kind == CodecKind.BF16 && Wire.absBits(x) >= BF16_OVERFLOW_BITS) {
                return String.format(Locale.ROOT, "θ holds %.6g at index %d, beyond bf16's largest value 3.3895e38", x, base + i);
            }
            if (kind == CodecKind.FP16 && Math.abs(x) > Fp16Codec.MAX) {
                return String.format(Locale.ROOT, "θ holds %.6g at index %d, beyond fp16's largest value 65504: outer.down_codec = fp16"
                        + " cannot send it (bf16 or fp32 can)", x, base + i);
            }
        }
        throw new IllegalStateException("max |θ| is " + a + " but no value exceeds it");
    }

    /** The largest |θ_w − x| {@code codec} allows for the value x (which it must be able to send). */
    public static double bound(Codec codec, float x) {
        double ax = Math.abs(x);
        return switch (kindOf(codec)) {
            case FP32 -> 0;
            case BF16 -> ax >= 0x1p-126 ? 0x1p-8 * ax : 0x1p-134;
            case FP16 -> ax >= 0x1p-14 ? 0x1p-11 * ax : 0x1p-25;
            default -> throw new IllegalArgumentException(codec.spec() + " is not a θ codec; allowed: " + allowed());
        };
    }
}
