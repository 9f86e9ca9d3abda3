package org.diloco4j.core.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.Objects;

/**
 * The header every codec message starts with, and little-endian access to byte arrays.
 *
 * <pre>
 * offset size  field
 *      0    2  magic 0xD4 0xC0
 *      2    1  codec id ({@link CodecKind#wireId()})
 *      3    1  format version (1)
 *      4    4  element count, int32 little-endian
 *      8    …  codec parameters, then the payload
 * </pre>
 *
 * All multi-byte fields are little-endian, so bulk copies between float/short arrays and the
 * message are plain memory copies on x86 and ARM.
 */
final class Wire {
    static final int HEADER = 8;
    static final int VERSION = 1;
    /** Where the header's element count is. */
    private static final int COUNT_AT = 4;
    private static final byte MAGIC0 = (byte) 0xD4;
    private static final byte MAGIC1 = (byte) 0xC0;
    /** Largest byte[] every JVM allocates. */
    static final long MAX_MESSAGE = Integer.MAX_VALUE - 8;

    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private Wire() {}

    static void checkLen(long len) {
        if (len < 0) throw new IllegalArgumentException("negative element count " + len);
    }

    /** Allocates a message of {@code size} bytes with its header written. */
    static byte[] start(Codec codec, CodecKind kind, long size, int count) {
        if (size > MAX_MESSAGE) {
            throw new IllegalArgumentException(codec.spec() + ": " + count + " values encode to " + size
                    + " bytes, more than a byte array holds; encode smaller fragments");
        }
        byte[] b = new byte[(int) size];
        b[0] = MAGIC0;
        b[1] = MAGIC1;
        b[2] = (byte) kind.wireId();
        b[3] = (byte) VERSION;
        count(b, count);
        return b;
    }

    /** The codec family a message claims to be, after checking magic and version. */
    static CodecKind kindOf(byte[] b) {
        Objects.requireNonNull(b, "encoded message");
        if (b.length < HEADER) {
            throw new CodecException("message truncated: " + b.length + " bytes, shorter than the " + HEADER + "-byte header");
        }
        if (b[0] != MAGIC0 || b[1] != MAGIC1) {
            throw new CodecException(String.format("not a codec message: magic 0x%02X%02X, expected 0x%02X%02X",
                    b[0] & 0xFF, b[1] & 0xFF, MAGIC0 & 0xFF, MAGIC1 & 0xFF));
        }
        if (b[3] != VERSION) {
            throw new CodecException("unsupported message format version " + (b[3] & 0xFF) + " (this build reads " + VERSION + ")");
        }
        CodecKind k = CodecKind.ofWireId(b[2] & 0xFF);
        if (k == null) throw new CodecException("unknown codec id " + (b[2] & 0xFF) + " in message header");
        return k;
    }

    /** The element count in {@code b}'s header. */
    static int count(byte[] b) {
        return (int) INT.get(b, COUNT_AT);
    }

    /** Sets the element count in {@code b}'s header (a message made of parts holds the parts' total). */
    static void count(byte[] b, int count) {
        INT.set(b, COUNT_AT, count);
    }

    /**
     * Checks the header of a message {@code codec} is asked to decode into {@code len} values:
     * right family, right count, and at least {@code minSize} bytes so the parameters can be read.
     */
    static void checkHeader(byte[] b, Codec codec, CodecKind kind, int len, int minSize) {
        CodecKind k = kindOf(b);
        if (k != kind) {
            throw new CodecException(codec.spec() + ": got a " + k + " message, expected " + kind);
        }
        int n = count(b);
        if (n != len) {
            throw new CodecException(codec.spec() + ": message holds " + n + " values, expected " + len);
        }
        if (b.length < minSize) {
            throw new CodecException(codec.spec() + ": message truncated: " + b.length
                    + " bytes, its header and parameters take " + minSize);
        }
    }

    /** Checks the whole message is exactly {@code expected} bytes. */
    static void checkSize(byte[] b, Codec codec, long expected, int len) {
        if (b.length == expected) return;
        String what = b.length < expected ? "truncated" : (b.length - expected) + " trailing bytes";
        throw new CodecException(codec.spec() + ": message is " + b.length + " bytes, a message of " + len
                + " values is " + expected + " (" + what + ")");
    }

    static FloatBuffer floats(byte[] b, int pos, int n) {
        return ByteBuffer.wrap(b, pos, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    static ShortBuffer shorts(byte[] b, int pos, int n) {
        return ByteBuffer.wrap(b, pos, 2 * n).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    }

    /** Bits of |x| as an int: orders finite floats by magnitude; {@code >= 0x7F800000} means NaN or infinite. */
    static int absBits(float x) {
        return Float.floatToRawIntBits(x) & 0x7FFFFFFF;
    }

    static boolean isFiniteBits(int absBits) {
        return absBits < 0x7F800000;
    }

    /**
     * Copies the bits of {@code src[off, off + n)} into {@code dst[0, n)}. Two bulk copies through
     * {@code scratch} (≥ 4n bytes) cost far less than {@code Float.floatToRawIntBits} in a loop, which
     * the JIT does not vectorize.
     */
    static void floatBits(float[] src, int off, int n, byte[] scratch, int[] dst) {
        ByteBuffer b = ByteBuffer.wrap(scratch, 0, 4 * n).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(src, off, n);
        b.asIntBuffer().get(dst, 0, n);
    }

    /** The inverse of {@link #floatBits}: {@code dst[off + i] = intBitsToFloat(src[i])}. */
    static void bitsToFloats(int[] src, int n, byte[] scratch, float[] dst, int off) {
        ByteBuffer b = ByteBuffer.wrap(scratch, 0, 4 * n).order(ByteOrder.nativeOrder());
        b.asIntBuffer().put(src, 0, n);
        b.asFloatBuffer().get(dst, off, n);
    }

    static IntBuffer ints(byte[] b, int pos, int n) {
        return ByteBuffer.wrap(b, pos, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    }

    /** The exception for a non-finite value given to a lossy codec, naming the first one. */
    static IllegalArgumentException nonFinite(Codec codec, float[] v, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (!Float.isFinite(v[off + i])) {
                return new IllegalArgumentException(codec.spec() + ": value at index " + i + " is " + v[off + i]
                        + "; only finite values can be encoded");
            }
        }
        return new IllegalArgumentException(codec.spec() + ": non-finite value");
    }
}
