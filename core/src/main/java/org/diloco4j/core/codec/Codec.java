package org.diloco4j.core.codec;

/**
 * Turns a run of fp32 values into the bytes that cross the network, and back. Everything the
 * drivers count as "bytes sent" is the length of what {@link #encode} returns.
 *
 * <p>Encoded messages are self-describing (codec id, element count, parameters), so a decoder can
 * reject bytes that were produced by another codec, truncated or corrupted. Implementations are
 * stateless and thread-safe; stateful schemes (error feedback) wrap a codec.
 */
public interface Codec {
    /** Stable name used in configs and on the wire, e.g. {@code int8}, {@code q4}, {@code topk}. */
    String name();

    /**
     * The full configuration string, parameters included (e.g. {@code q4:block=64}), such that
     * {@code Codecs.parse(spec())} builds an equal codec. Codecs without parameters return {@link #name()}.
     */
    default String spec() {
        return name();
    }

    /**
     * Encodes {@code values[off, off + len)}.
     *
     * @throws IllegalArgumentException if the values cannot be encoded (a lossy codec given NaN or
     *     infinity, or a message that would not fit in a byte array)
     */
    byte[] encode(float[] values, int off, int len);

    default byte[] encode(float[] values) {
        return encode(values, 0, values.length);
    }

    /**
     * Decodes into {@code out[off, off + len)}. Header, size and parameters are checked before
     * anything is written; if a corrupt payload is found later, {@code out[off, off + len)} may be
     * partly written (use {@link #decodeAdd} for all-or-nothing accumulation).
     *
     * @throws CodecException if the bytes are not a well-formed message of this codec holding exactly {@code len} values
     */
    void decode(byte[] encoded, float[] out, int off, int len);

    default float[] decode(byte[] encoded, int len) {
        float[] out = new float[len];
        decode(encoded, out, 0, len);
        return out;
    }

    /**
     * Adds {@code weight · decoded} into {@code acc[off, off + len)}: the fp32 reduction a
     * coordinator does over workers, and the residual update of error feedback ({@code weight = -1}).
     * Each element becomes {@code acc[i] + weight * d[i]} rounded in fp32 exactly as written, so the
     * result equals decoding into a buffer and adding. Sparse codecs override this to skip zeros.
     *
     * @throws CodecException as {@link #decode}; {@code acc} is unchanged when it is thrown
     */
    default void decodeAdd(byte[] encoded, float[] acc, int off, int len, float weight) {
        java.util.Objects.checkFromIndexSize(off, len, acc.length);
        float[] decoded = decode(encoded, len);
        for (int i = 0; i < len; i++) acc[off + i] += weight * decoded[i];
    }

    /**
     * How to decode this codec's messages block by block, or null if a message only decodes whole
     * (its blocks depend on each other, or are larger than {@link BlockDecoder#MAX_BLOCK_VALUES}).
     */
    default BlockDecoder blocks() {
        return null;
    }

    /**
     * The exact length of {@code encode(values, off, len)} in bytes, computed without encoding. Long,
     * so sizes can be computed for a layout of any size; a message itself holds fewer than 2^31
     * values and bytes ({@code encode} refuses more), so beyond that this is the arithmetic size a
     * message of {@code len} values would have.
     */
    long encodedSize(long len);
}
