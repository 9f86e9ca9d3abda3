package org.diloco4j.core.codec;

import java.util.Objects;

import org.diloco4j.core.params.VectorOps;

/**
 * Block decoding for codecs that store each value in a fixed number of bytes right after the
 * header (fp32, bf16): any run of values decodes alone, so a block is simply
 * {@value #VALUES} consecutive values (a multiple of bf16's group, so blocks split no group) — the
 * push norm's block, so a norm summed block by block here is that of the decoded vector.
 */
record FixedWidthBlocks(Codec codec, CodecKind kind, int width, Decode decode) implements BlockDecoder {
    static final int VALUES = VectorOps.NORM_BLOCK;

    /** Decodes {@code m} values from {@code bytes[off, off + width·m)} into {@code out[outOff, outOff + m)}. */
    @FunctionalInterface
    interface Decode {
        void run(byte[] bytes, int off, int m, float[] out, int outOff);
    }

    @Override
    public int headerBytes() {
        return Wire.HEADER;
    }

    @Override
    public void checkHeader(byte[] header, int len) {
        Wire.checkHeader(header, codec, kind, len, Wire.HEADER);
    }

    @Override
    public int blockValues() {
        return VALUES;
    }

    @Override
    public long blockOffset(int b) {
        return Wire.HEADER + (long) b * VALUES * width;
    }

    @Override
    public int blockBytes(int m) {
        return m * width;
    }

    @Override
    public void decodeBlock(int b, byte[] bytes, int off, int m, float[] out, int outOff) {
        Objects.checkFromIndexSize(off, m * width, bytes.length);
        Objects.checkFromIndexSize(outOff, m, out.length);
        decode.run(bytes, off, m, out, outOff);
    }
}
