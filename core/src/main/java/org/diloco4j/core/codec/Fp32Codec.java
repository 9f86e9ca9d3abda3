package org.diloco4j.core.codec;

import java.util.Objects;

/**
 * Values as they are: {@code header | len × fp32}. Bit-exact, NaN payloads included; the
 * reference every lossy codec is measured against.
 */
public record Fp32Codec() implements Codec {
    @Override
    public String name() {
        return CodecKind.FP32.configName();
    }

    @Override
    public long encodedSize(long len) {
        Wire.checkLen(len);
        return Wire.HEADER + 4L * len;
    }

    @Override
    public byte[] encode(float[] values, int off, int len) {
        Objects.checkFromIndexSize(off, len, values.length);
        byte[] out = Wire.start(this, CodecKind.FP32, encodedSize(len), len);
        Wire.floats(out, Wire.HEADER, len).put(values, off, len);
        return out;
    }

    @Override
    public void decode(byte[] encoded, float[] out, int off, int len) {
        Objects.checkFromIndexSize(off, len, out.length);
        Wire.checkHeader(encoded, this, CodecKind.FP32, len, Wire.HEADER);
        Wire.checkSize(encoded, this, encodedSize(len), len);
        Wire.floats(encoded, Wire.HEADER, len).get(out, off, len);
    }

    @Override
    public BlockDecoder blocks() {
        return new FixedWidthBlocks(this, CodecKind.FP32, 4, (bytes, off, m, out, outOff) -> Wire.floats(bytes, off, m).get(out, outOff, m));
    }

    @Override
    public String toString() {
        return spec();
    }
}
