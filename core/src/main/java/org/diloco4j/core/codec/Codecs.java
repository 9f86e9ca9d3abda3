package org.diloco4j.core.codec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds codecs from config strings and recognises the codec of a message.
 *
 * <pre>
 *   spec   := name [ ":" param ( "," param )* ]
 *   param  := key "=" value | value          (a bare value sets the codec's main parameter)
 *
 *   fp32 | fp16 | bf16                       no parameters
 *   int8[:chunk=N]                           N in [256, 2^30], default 65536
 *   q4[:block=N]                             N even, in [2, 2^20], default 64
 *   fp4[:block=N]                            N even, in [2, 2^20], default 64
 *   topk:F  or  topk:fraction=F              F in (0, 1], required
 * </pre>
 * Names are case-insensitive; {@link Codec#spec()} gives back the canonical form.
 */
public final class Codecs {
    private Codecs() {}

    /**
     * The codec a config string describes.
     *
     * @throws IllegalArgumentException naming the string, the parameter and what is allowed
     */
    public static Codec parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("codec spec is empty; known codecs: " + known());
        String s = spec.strip();
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon).strip();
        CodecKind kind = CodecKind.ofConfigName(name);
        if (kind == null) throw bad(spec, "unknown codec '" + name + "'; known codecs: " + known());
        Map<String, String> params = colon < 0 ? Map.of() : params(spec, kind, s.substring(colon + 1));
        try {
            return switch (kind) {
                case FP32 -> noParams(spec, kind, params, new Fp32Codec());
                case FP16 -> noParams(spec, kind, params, new Fp16Codec());
                case BF16 -> noParams(spec, kind, params, new Bf16Codec());
                case INT8 -> new Int8Codec(intParam(spec, params, "chunk", Int8Codec.DEFAULT_CHUNK));
                case Q4 -> new Q4Codec(intParam(spec, params, "block", Q4Codec.DEFAULT_BLOCK));
                case FP4 -> new Fp4Codec(intParam(spec, params, "block", Fp4Codec.DEFAULT_BLOCK));
                case TOPK -> new TopKCodec(fraction(spec, params));
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("codec '")) throw e;
            throw bad(spec, e.getMessage());
        }
    }

    /**
     * The codec that wrote {@code message}, read from its header; decoding with it accepts the
     * message whatever its parameters. Use it where senders may use different codecs.
     *
     * @throws CodecException if the header is not one any codec writes
     */
    public static Codec forMessage(byte[] message) {
        CodecKind kind = Wire.kindOf(message);
        try {
            return switch (kind) {
                case FP32 -> new Fp32Codec();
                case FP16 -> new Fp16Codec();
                case BF16 -> new Bf16Codec();
                case INT8 -> new Int8Codec((int) Wire.INT.get(message, paramAt(message, kind, 4)));
                case Q4 -> new Q4Codec((int) Wire.INT.get(message, paramAt(message, kind, 4)));
                case FP4 -> new Fp4Codec((int) Wire.INT.get(message, paramAt(message, kind, 4)));
                case TOPK -> new TopKCodec((double) Wire.DOUBLE.get(message, paramAt(message, kind, 8)));
            };
        } catch (IllegalArgumentException e) {
            throw new CodecException(kind + " message header has invalid parameters: " + e.getMessage());
        }
    }

    /** The element count a message's header declares (the {@code len} to decode it with). */
    public static int count(byte[] message) {
        Wire.kindOf(message);
        int n = Wire.count(message);
        if (n < 0) throw new CodecException("message header declares " + n + " values");
        return n;
    }

    /** Offset of the first parameter, after checking the message holds {@code size} bytes of it. */
    private static int paramAt(byte[] message, CodecKind kind, int size) {
        if (message.length < Wire.HEADER + size) {
            throw new CodecException(kind + " message truncated: " + message.length
                    + " bytes, its header and parameters take " + (Wire.HEADER + size));
        }
        return Wire.HEADER;
    }

    /** The config names of all codecs, for help texts and errors. */
    public static String known() {
        StringBuilder b = new StringBuilder();
        for (CodecKind k : CodecKind.values()) b.append(b.isEmpty() ? "" : ", ").append(k.configName());
        return b.toString();
    }

    private static Map<String, String> params(String spec, CodecKind kind, String list) {
        if (list.isBlank()) throw bad(spec, "nothing after ':'; remove it or give parameters");
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : list.split(",", -1)) {
            String p = part.strip();
            if (p.isEmpty()) throw bad(spec, "empty parameter");
            int eq = p.indexOf('=');
            String key = eq < 0 ? mainParam(spec, kind) : p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? p : p.substring(eq + 1).strip();
            if (!allowed(kind).contains(key)) {
                throw bad(spec, "unknown parameter '" + key + "'; " + kind + " takes " + (allowed(kind).isEmpty() ? "none" : String.join(", ", allowed(kind))));
            }
            if (out.put(key, value) != null) throw bad(spec, "parameter '" + key + "' given twice");
        }
        return out;
    }

    private static Set<String> allowed(CodecKind kind) {
        return switch (kind) {
            case FP32, FP16, BF16 -> Set.of();
            case INT8 -> Set.of("chunk");
            case Q4, FP4 -> Set.of("block");
            case TOPK -> Set.of("fraction");
        };
    }

    private static String mainParam(String spec, CodecKind kind) {
        Set<String> a = allowed(kind);
        if (a.isEmpty()) throw bad(spec, kind + " takes no parameters");
        return a.iterator().next();
    }

    private static Codec noParams(String spec, CodecKind kind, Map<String, String> params, Codec codec) {
        if (!params.isEmpty()) throw bad(spec, kind + " takes no parameters");
        return codec;
    }

    private static int intParam(String spec, Map<String, String> params, String key, int dflt) {
        String v = params.get(key);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw bad(spec, key + " must be an integer, got '" + v + "'");
        }
    }

    private static double fraction(String spec, Map<String, String> params) {
        String v = params.get("fraction");
        if (v == null) throw bad(spec, "topk needs the fraction of values to keep, e.g. 'topk:0.01'");
        try {
            // BigDecimal, not Double.parseDouble, which would also take "NaN", "1e-2d" or hex.
            return new java.math.BigDecimal(v).doubleValue();
        } catch (NumberFormatException e) {
            throw bad(spec, "fraction must be a number in (0, 1], got '" + v + "'");
        }
    }

    private static IllegalArgumentException bad(String spec, String what) {
        return new IllegalArgumentException("codec '" + spec + "': " + what);
    }
}
