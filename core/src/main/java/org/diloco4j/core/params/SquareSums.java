package org.diloco4j.core.params;

/**
 * Σ x_i² of a vector fed in consecutive pieces, summed in exactly the order
 * {@link VectorOps#norm2} sums a whole vector: four double partial sums,
 * element i going to sum i mod 4 except the last {@code n mod 4}, which go to the first, combined
 * as (s0 + s1) + (s2 + s3). So a norm computed block by block is bit for bit the whole vector's.
 */
public final class SquareSums {
    private final long alignedEnd;
    private long next;
    private double s0, s1, s2, s3;

    /** @param n the vector's length */
    public SquareSums(long n) {
        this.alignedEnd = n & ~3L;
    }

    /** Adds the squares of {@code x[off, off + m)}, the vector's next m values. */
    public void add(float[] x, int off, int m) {
        long at = next;
        int i = 0;
        // Until the global index is a multiple of 4, one at a time (only when blocks are not multiples of 4).
        for (; i < m && (at + i) % 4 != 0 && at + i < alignedEnd; i++) lane((int) ((at + i) % 4), x[off + i]);
        double a0 = s0, a1 = s1, a2 = s2, a3 = s3;
        for (; i + 3 < m && at + i + 3 < alignedEnd; i += 4) {
            a0 += (double) x[off + i] * x[off + i];
            a1 += (double) x[off + i + 1] * x[off + i + 1];
            a2 += (double) x[off + i + 2] * x[off + i + 2];
            a3 += (double) x[off + i + 3] * x[off + i + 3];
        }
        s0 = a0;
        s1 = a1;
        s2 = a2;
        s3 = a3;
        for (; i < m; i++) lane(at + i < alignedEnd ? (int) ((at + i) % 4) : 0, x[off + i]);
        next = at + m;
    }

    /**
     * Adds the vector's next {@code g} values given as squares looked up by code: value j's square
     * is {@code squares[(codes[j] >>> shift) & 0xFF]} (a codec's table of (double) t·t for its
     * fp32 values t), the same double as squaring the decoded value, without decoding it.
     */
    public void addLookup(double[] squares, int[] codes, int g, int shift) {
        long at = next;
        int j = 0;
        for (; j < g && (at + j) % 4 != 0 && at + j < alignedEnd; j++) lane((int) ((at + j) % 4), squares[(codes[j] >>> shift) & 0xFF]);
        double a0 = s0, a1 = s1, a2 = s2, a3 = s3;
        for (; j + 3 < g && at + j + 3 < alignedEnd; j += 4) {
            a0 += squares[(codes[j] >>> shift) & 0xFF];
            a1 += squares[(codes[j + 1] >>> shift) & 0xFF];
            a2 += squares[(codes[j + 2] >>> shift) & 0xFF];
            a3 += squares[(codes[j + 3] >>> shift) & 0xFF];
        }
        s0 = a0;
        s1 = a1;
        s2 = a2;
        s3 = a3;
        for (; j < g; j++) lane(at + j < alignedEnd ? (int) ((at + j) % 4) : 0, squares[(codes[j] >>> shift) & 0xFF]);
        next = at + g;
    }

    /** Adds one value's square (already computed as (double) x·x). */
    public void addSquare(double sq) {
        lane(next < alignedEnd ? (int) (next % 4) : 0, sq);
        next++;
    }

    private void lane(int k, float v) {
        lane(k, (double) v * v);
    }

    private void lane(int k, double sq) {
        switch (k) {
            case 0 -> s0 += sq;
            case 1 -> s1 += sq;
            case 2 -> s2 += sq;
            default -> s3 += sq;
        }
    }

    /** Whether every square so far was finite (their sum in double cannot overflow). */
    public boolean finite() {
        return Double.isFinite(s0 + s1 + s2 + s3);
    }

    public double norm() {
        return Math.sqrt((s0 + s1) + (s2 + s3));
    }
}
