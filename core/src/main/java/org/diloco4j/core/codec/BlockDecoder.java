package org.diloco4j.core.codec;

import org.diloco4j.core.params.VectorOps;

/**
 * Decoding a message block by block, for codecs whose message is a header followed by blocks of
 * values that each decode alone (int8's chunks carry their own table; fp32, fp16 and bf16 values
 * stand alone). A receiver can then decode a message of any length in a small buffer, reading only
 * the bytes of the block it needs — from a file, in any order, from several threads. Every block
 * but the last holds {@link #blockValues()} values. Decoding the blocks of a message one by one
 * gives exactly the values {@link Codec#decode} gives.
 */
public interface BlockDecoder {
    /** Most values a block holds; the scratch a caller needs per thread. */
    int MAX_BLOCK_VALUES = 1 << 20;

    /** Bytes before the first block: the header and the codec's parameters. */
    int headerBytes();

    /**
     * Checks the header (the first {@link #headerBytes()} bytes of a message) is this codec's,
     * with these parameters, for {@code len} values.
     *
     * @throws CodecException naming what is wrong
     */
    void checkHeader(byte[] header, int len);

    /** Values per block (the last block of a message may hold fewer); at most {@link #MAX_BLOCK_VALUES}. */
    int blockValues();

    /** Where block {@code b} starts in the message. */
    long blockOffset(int b);

    /** Encoded length of a block of {@code m} values. */
    int blockBytes(int m);

    /**
     * Decodes block {@code b}, of {@code m} values, from {@code bytes[off, off + blockBytes(m))} into
     * {@code out[outOff, outOff + m)}.
     *
     * @throws CodecException if the block is corrupt (what is corrupt is the codec's to say: int8
     *         decodes a non-finite table entry to the values that use it, for the caller to find)
     */
    void decodeBlock(int b, byte[] bytes, int off, int m, float[] out, int outOff);

    /**
     * Decodes block {@code b} scaled by {@code factor}: each value becomes {@code decoded · factor}
     * rounded to fp32, exactly as decoding and then multiplying.
     */
    default void decodeBlock(int b, byte[] bytes, int off, int m, float[] out, int outOff, float factor) {
        decodeBlock(b, bytes, off, m, out, outOff);
        for (int i = 0; i < m; i++) out[outOff + i] *= factor;
    }

    /**
     * Block {@code b}'s Σ x_i² as the push norm defines it for this codec ({@code VectorOps.blockSquares}
     * of its values, each scaled by {@code factor} and rounded to fp32 first if {@code scale}, unless
     * the codec sums otherwise — int8 sums its table's squares by code, so the same vector sent as
     * int8 and as fp32 may differ in the last bits); non-finite exactly when a value is. {@code scratch} holds at least {@link #blockValues()} values. Checks
     * the block as {@link #decodeBlock} does.
     */
    default double squares(int b, byte[] bytes, int off, int m, float factor, boolean scale, float[] scratch) {
        if (scale) decodeBlock(b, bytes, off, m, scratch, 0, factor);
        else decodeBlock(b, bytes, off, m, scratch, 0);
        return VectorOps.blockSquares(scratch, 0, m);
    }

    /** Number of blocks in {@code len} values (long: block counts of payloads beyond 2^31 values are computed too). */
    default int blocks(long len) {
        long n = (len + blockValues() - 1) / blockValues();
        if (len < 0 || n > Integer.MAX_VALUE) throw new IllegalArgumentException(len + " values are not a payload of blocks of " + blockValues());
        return (int) n;
    }
}
