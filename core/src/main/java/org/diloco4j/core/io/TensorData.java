package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.Range;

/**
 * A tensor's values as a checkpoint writes and reads them: its dtype, its shape and its
 * little-endian bytes, handed out a chunk at a time. A state record holds one where the values live
 * outside the Java heap (a libtorch trainer's θ_i and AdamW moments) or in a file being read, so a
 * checkpoint streams them from their source to the file, and from the file to their destination,
 * without a copy of the whole tensor on the heap.
 *
 * <p>A source that views live values (a trainer's tensors) is valid until its owner changes them:
 * a checkpoint is written from it before the run goes on.
 */
public interface TensorData {
    Dtype dtype();

    long[] shape();

    default long numel() {
        return NamedTensor.numel(shape());
    }

    default long bytes() {
        return Math.multiplyExact(numel(), (long) dtype().width);
    }

    /** Copies bytes {@code [offset, offset + dst.remaining())} of the tensor into {@code dst}, advancing its position. */
    void copyTo(long offset, ByteBuffer dst) throws IOException;

    /** Its values as a new float[] (F32 only); for tensors that live on the heap anyway. */
    default float[] toFloats() throws IOException {
        if (dtype() != Dtype.F32) throw new IOException("tensor is " + dtype() + ", expected F32");
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IOException("tensor has " + n + " values, more than one Java array holds");
        float[] out = new float[(int) n];
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(Chunks.SIZE, 4 * n)).order(ByteOrder.LITTLE_ENDIAN); // a small array, a small buffer
        for (int from = 0; from < out.length; ) {
            int k = Math.min(chunk.capacity() / 4, out.length - from);
            chunk.clear().limit(4 * k);
            copyTo(4L * from, chunk);
            chunk.flip().asFloatBuffer().get(out, from, k);
            from += k;
        }
        return out;
    }

    /** fp32 values on the heap, as they are (not copied). */
    static TensorData of(float[] values) {
        return new HeapF32(values);
    }

    /** A chunked fp32 vector on the heap, as it is (not copied): one tensor of any length, streamed chunk by chunk. */
    static TensorData of(Fp32Vector values) {
        return new HeapChunkedF32(values);
    }

    /**
     * Its values (F32 only) in new chunks of 2^{@code shift}, read a few MiB at a time: no array of the
     * whole tensor is made, so a tensor past 2^31 − 9 values is read.
     */
    default Fp32Vector toVector(int shift) throws IOException {
        if (dtype() != Dtype.F32) throw new IOException("tensor is " + dtype() + ", expected F32");
        Fp32Vector v = Fp32Vector.zeros(numel(), shift);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Chunks.SIZE, Math.max(4, 4 * numel()))).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < v.chunkCount(); c++) {
            float[] out = v.chunk(c);
            for (int from = 0; from < out.length; ) {
                int k = Math.min(buf.capacity() / 4, out.length - from);
                buf.clear().limit(4 * k);
                copyTo(4 * (v.chunkStart(c) + from), buf);
                buf.flip().asFloatBuffer().get(out, from, k);
                from += k;
            }
        }
        return v;
    }

    /** Bytes on the heap (a U8 tensor), as they are. */
    static TensorData of(byte[] values) {
        return new HeapU8(values);
    }

    record HeapF32(float[] values) implements TensorData {
        public Dtype dtype() {
            return Dtype.F32;
        }

        public long[] shape() {
            return new long[] {values.length};
        }

        public void copyTo(long offset, ByteBuffer dst) {
            if ((offset & 3) != 0 || (dst.remaining() & 3) != 0) throw new IllegalArgumentException("fp32 chunks are whole values");
            int from = Math.toIntExact(offset / 4), n = dst.remaining() / 4;
            // Through a slice: the caller's buffer keeps its own byte order.
            dst.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values, from, n);
            dst.position(dst.position() + 4 * n);
        }

        @Override
        public float[] toFloats() {
            return values.clone();
        }
    }

    record HeapChunkedF32(Fp32Vector values) implements TensorData {
        public Dtype dtype() {
            return Dtype.F32;
        }

        public long[] shape() {
            return new long[] {values.size()};
        }

        public void copyTo(long offset, ByteBuffer dst) {
            if ((offset & 3) != 0 || (dst.remaining() & 3) != 0) throw new IllegalArgumentException("fp32 chunks are whole values");
            // Through a slice per piece: the caller's buffer keeps its own byte order.
            for (Fp32Vector.Piece p : values.pieces(new Range(offset / 4, dst.remaining() / 4))) {
                dst.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values.chunk(p.chunk()), p.offset(), p.length());
                dst.position(dst.position() + 4 * p.length());
            }
        }
    }

    record HeapU8(byte[] values) implements TensorData {
        public Dtype dtype() {
            return Dtype.U8;
        }

        public long[] shape() {
            return new long[] {values.length};
        }

        public void copyTo(long offset, ByteBuffer dst) {
            dst.put(values, Math.toIntExact(offset), dst.remaining());
        }
    }
}
