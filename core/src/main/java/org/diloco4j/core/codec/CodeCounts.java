package org.diloco4j.core.codec;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Counting a table block's code bytes by value: the one loop behind {@link TableBlocks#histogram}
 * (a block read whole) and {@code ArrivalCounts} (a block counted in the pieces it arrives in).
 * Counting is order-free, so neither the byte order of a load nor where a piece starts or ends
 * within a code word matters.
 */
public final class CodeCounts {
    private static final int BINS = TableBlocks.BINS;

    private CodeCounts() {
    }

    /**
     * Adds how many of the bytes {@code codes[from, to)} (absolute indices; position and limit are
     * not used or moved) have each value to {@code counts[cOff, cOff + 256)}. A byte buffer reads a
     * heap array and a transport's direct buffer alike, in 8-byte loads.
     */
    public static void add(ByteBuffer codes, int from, int to, int[] counts, int cOff) {
        Objects.checkFromToIndex(from, to, codes.capacity());
        Objects.checkFromIndexSize(cOff, BINS, counts.length);
        // Four histograms, one per byte lane of a 32-bit half, so consecutive increments rarely hit the same
        // counter (codes cluster around 128: one counter would wait on its own store). A new array of constant
        // length: C2 knows every (x & 0xFF) + k·256 is inside it and drops the bounds checks.
        int[] c = new int[4 * BINS];
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = codes.getLong(i);
            int lo = (int) x;
            int hi = (int) (x >>> 32);
            c[lo & 0xFF]++;
            c[BINS + ((lo >>> 8) & 0xFF)]++;
            c[2 * BINS + ((lo >>> 16) & 0xFF)]++;
            c[3 * BINS + (lo >>> 24)]++;
            c[hi & 0xFF]++;
            c[BINS + ((hi >>> 8) & 0xFF)]++;
            c[2 * BINS + ((hi >>> 16) & 0xFF)]++;
            c[3 * BINS + (hi >>> 24)]++;
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[cOff + k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }
}
