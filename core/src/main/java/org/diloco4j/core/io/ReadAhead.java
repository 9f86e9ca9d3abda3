package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * The checksum pass of a checkpoint whose state is all heap arrays (the coordinator's: θ, momentum,
 * accumulator), which also reads those arrays: one pass over the file instead of a pass to check it
 * and a second to read it. At 1B parameters the file is 12 GB, more than the page cache keeps next to
 * the coordinator's own 14 GB, so the second pass went to the disk again (read-back 17.9 s of a 12 GB
 * checkpoint in one run). Nothing read here is believed before the sum matches: the arrays are only
 * handed to the state's reader after {@link CheckpointFile} compared the sums.
 */
final class ReadAhead {
    private ReadAhead() {
    }

    /**
     * Adds bytes {@code [from, size)} of {@code src} to {@code sum} in file order, reading every F32 or
     * U8 tensor of {@code l} that fits one Java array into a new array, put in {@code loaded} by name.
     */
    static void sumAndRead(ByteSource src, SafetensorsReader.Layout l, CRC32C sum, Map<String, TensorData> loaded) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(Chunks.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        List<SafetensorsReader.Entry> byOffset = new ArrayList<>(l.entries());
        byOffset.sort(Comparator.comparingLong(SafetensorsReader.Entry::begin));
        List<SafetensorsReader.Entry> arrays = new ArrayList<>();
        long at = l.dataStart();
        for (SafetensorsReader.Entry e : byOffset) {
            long bytes = e.end() - e.begin();
            boolean array = (e.dtype() == Dtype.F32 || e.dtype() == Dtype.U8) && bytes / e.dtype().width <= Integer.MAX_VALUE - 8;
            if (l.dataStart() + e.begin() < at || !array) continue; // summed with what follows, read from the file when asked for
            arrays.add(e);
            at = l.dataStart() + e.end();
        }
        // Each array is made while the one before it is read: a new array is zeroed page by page (4 GB,
        // seconds of the kernel's time, at 1B parameters), which need not stop the disk and the sum.
        Future<Object> next = arrays.isEmpty() ? null : allocate(arrays.getFirst());
        at = l.dataStart();
        for (int i = 0; i < arrays.size(); i++) {
            SafetensorsReader.Entry e = arrays.get(i);
            Object array = CheckpointIo.join(next, "allocating an array for " + e.name());
            next = i + 1 < arrays.size() ? allocate(arrays.get(i + 1)) : null;
            long begin = l.dataStart() + e.begin(), end = l.dataStart() + e.end();
            sum(src, sum, chunk, at, begin);
            loaded.put(e.name(), array instanceof float[] v ? floats(src, sum, chunk, begin, v, e.shape()) : bytes(src, sum, chunk, begin, (byte[]) array));
            at = end;
        }
        sum(src, sum, chunk, at, src.size());
    }

    private static Future<Object> allocate(SafetensorsReader.Entry e) {
        int n = (int) ((e.end() - e.begin()) / e.dtype().width);
        return CheckpointIo.THREADS.submit(() -> e.dtype() == Dtype.F32 ? new float[n] : new byte[n]);
    }

    /** Adds bytes {@code [from, to)} of {@code src} to {@code sum}. */
    static void sum(ByteSource src, CRC32C sum, ByteBuffer chunk, long from, long to) throws IOException {
        for (long at = from; at < to; ) {
            at += next(src, sum, chunk, at, to);
        }
    }

    private static TensorData floats(ByteSource src, CRC32C sum, ByteBuffer chunk, long begin, float[] v, long[] shape) throws IOException {
        long end = begin + 4L * v.length;
        for (long at = begin; at < end; ) {
            int k = next(src, sum, chunk, at, end);
            chunk.asFloatBuffer().get(v, (int) ((at - begin) / 4), k / 4);
            at += k;
        }
        return new Read(v, shape);
    }

    private static TensorData bytes(ByteSource src, CRC32C sum, ByteBuffer chunk, long begin, byte[] v) throws IOException {
        long end = begin + v.length;
        for (long at = begin; at < end; ) {
            int k = next(src, sum, chunk, at, end);
            chunk.get(v, (int) (at - begin), k);
            at += k;
        }
        return TensorData.of(v);
    }

    /** Reads the next chunk of {@code [at, to)} into {@code chunk} (flipped, position 0) and adds it to {@code sum}; its length. */
    private static int next(ByteSource src, CRC32C sum, ByteBuffer chunk, long at, long to) throws IOException {
        int k = (int) Math.min(Chunks.SIZE, to - at);
        chunk.clear().limit(k);
        src.read(at, chunk);
        chunk.flip();
        sum.update(chunk.duplicate());
        return k;
    }

    /**
     * fp32 values read ahead: {@link #toFloats()} hands the array over instead of copying it (the
     * state's reader takes each tensor once; a copy would be 4 GB more heap at 1B).
     */
    private record Read(float[] values, long[] shape) implements TensorData {
        public Dtype dtype() {
            return Dtype.F32;
        }

        public void copyTo(long offset, ByteBuffer dst) {
            new TensorData.HeapF32(values).copyTo(offset, dst);
        }

        @Override
        public float[] toFloats() {
            return values;
        }
    }
}
