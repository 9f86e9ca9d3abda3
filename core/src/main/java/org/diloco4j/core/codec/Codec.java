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

    /** Encodes {@code values[off, off + len)}. */
    byte[] encode(float[] values, int off, int len);

    default byte[] encode(float[] values) {
        return encode(values, 0, values.length);
    }

    /**
     * Decodes into {@code out[off, off + len)}.
     *
     * @throws CodecException if the bytes are not a well-formed message of this codec holding exactly {@code len} values
     */
    void decode(byte[] encoded, float[] out, int off, int len);

    default float[] decode(byte[] encoded, int len) {
        float[] out = new float[len];
        decode(encoded, out, 0, len);
        return out;
    }

    /** The exact length of {@code encode(values, off, len)} in bytes, computed without encoding. */
    long encodedSize(int len);
}
