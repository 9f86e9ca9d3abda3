package org.diloco4j.core.codec;

import org.diloco4j.core.params.VectorOps;

/**
 * Finds the k values of largest magnitude without sorting: a radix select on the bits of |x|
 * (which order non-negative floats like the values themselves). One histogram pass over all values
 * on the top 10 bits finds the bin holding the k-th largest; the values in that bin are copied out
 * (or, when they are most of the input, rescanned) and refined on the next 11 and last 10 bits; a
 * final pass emits the indices. Three to five linear passes, whatever k. Ties at the threshold go
 * to the lowest indices, so selection is deterministic.
 */
final class TopKSelector {
    private static final int BINS1 = 1 << 10; // |x| bits 30..21
    private static final int BINS2 = 1 << 11; // bits 20..10
    private static final int BINS3 = 1 << 10; // bits 9..0
    /**
     * The threshold bin's values are copied out when they are few (at most this or len/16); when
     * most values share it (e.g. a mostly-zero vector) the next two levels rescan instead of
     * allocating a copy as large as the input.
     */
    private static final int MIN_COPY = 1 << 16;

    private TopKSelector() {}

    /**
     * Writes into {@code idx[0, k)} the indices, relative to {@code off} and ascending, of the k
     * values of {@code v[off, off + len)} with the largest |x|.
     *
     * @return false, with {@code idx} unspecified, if the values hold NaN or an infinity
     */
    static boolean select(float[] v, int off, int len, int k, int[] idx) {
        if (k == 0) return Float.isFinite(VectorOps.maxAbs(v, off, off + len));
        if (k == len) {
            for (int i = 0; i < len; i++) idx[i] = i;
            return Float.isFinite(VectorOps.maxAbs(v, off, off + len));
        }
        int[] h1 = new int[4 * BINS1];
        int max = histogramTop(v, off, len, h1);
        if (!Wire.isFiniteBits(max)) return false;
        for (int b = 0; b < BINS1; b++) h1[b] += h1[b + BINS1] + h1[b + 2 * BINS1] + h1[b + 3 * BINS1];

        int b1 = pick(h1, BINS1, k);
        int above = countAbove(h1, BINS1, b1);
        int[] cand = h1[b1] <= Math.max(MIN_COPY, len >>> 4) ? collect(v, off, len, b1, h1[b1]) : null;

        int[] h2 = new int[BINS2];
        int[] h3 = new int[BINS3];
        if (cand != null) {
            for (int a : cand) h2[(a >>> 10) & (BINS2 - 1)]++;
        } else {
            for (int i = 0; i < len; i++) {
                int a = Wire.absBits(v[off + i]);
                if ((a >>> 21) == b1) h2[(a >>> 10) & (BINS2 - 1)]++;
            }
        }
        int b2 = pick(h2, BINS2, k - above);
        above += countAbove(h2, BINS2, b2);

        int prefix = (b1 << 11) | b2;
        if (cand != null) {
            for (int a : cand) if ((a >>> 10) == prefix) h3[a & (BINS3 - 1)]++;
        } else {
            for (int i = 0; i < len; i++) {
                int a = Wire.absBits(v[off + i]);
                if ((a >>> 10) == prefix) h3[a & (BINS3 - 1)]++;
            }
        }
        int b3 = pick(h3, BINS3, k - above);
        above += countAbove(h3, BINS3, b3);

        int threshold = (b1 << 21) | (b2 << 10) | b3;
        emit(v, off, len, threshold, k - above, idx);
        return true;
    }

    /** The |x| bits of the values in top-level bin {@code b1}, so the next levels need not rescan everything. */
    private static int[] collect(float[] v, int off, int len, int b1, int count) {
        int[] cand = new int[count];
        int c = 0;
        for (int i = 0; i < len; i++) {
            int a = Wire.absBits(v[off + i]);
            if ((a >>> 21) == b1) cand[c++] = a;
        }
        return cand;
    }

    /** Four interleaved histograms of bits 30..21, so runs of values in one bin do not serialize on one counter. */
    private static int histogramTop(float[] v, int off, int len, int[] h) {
        int max = 0;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            int a0 = Wire.absBits(v[off + i]);
            int a1 = Wire.absBits(v[off + i + 1]);
            int a2 = Wire.absBits(v[off + i + 2]);
            int a3 = Wire.absBits(v[off + i + 3]);
            h[a0 >>> 21]++;
            h[(a1 >>> 21) + BINS1]++;
            h[(a2 >>> 21) + 2 * BINS1]++;
            h[(a3 >>> 21) + 3 * BINS1]++;
            max = Math.max(max, Math.max(Math.max(a0, a1), Math.max(a2, a3)));
        }
        for (; i < len; i++) {
            int a = Wire.absBits(v[off + i]);
            h[a >>> 21]++;
            max = Math.max(max, a);
        }
        return max;
    }

    /** The bin b with fewer than {@code need} entries above it and at least {@code need} from b up. */
    private static int pick(int[] h, int bins, int need) {
        long cum = 0;
        for (int b = bins - 1; b >= 0; b--) {
            cum += h[b];
            if (cum >= need) return b;
        }
        throw new IllegalStateException("histogram holds " + cum + " values, fewer than " + need);
    }

    private static int countAbove(int[] h, int bins, int b) {
        int n = 0;
        for (int i = b + 1; i < bins; i++) n += h[i];
        return n;
    }

    /** All indices with |x| above the threshold, and the first {@code ties} equal to it, in index order. */
    private static void emit(float[] v, int off, int len, int threshold, int ties, int[] idx) {
        int c = 0;
        for (int i = 0; i < len; i++) {
            int a = Wire.absBits(v[off + i]);
            if (a >= threshold) {
                if (a > threshold) {
                    idx[c++] = i;
                } else if (ties > 0) {
                    idx[c++] = i;
                    ties--;
                }
            }
        }
        if (c != idx.length) throw new IllegalStateException("selected " + c + " of " + idx.length);
    }
}
