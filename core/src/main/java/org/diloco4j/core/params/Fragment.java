package org.diloco4j.core.params;

import java.util.List;

/**
 * A subset of the flat parameter vector that is synchronised as a unit (Streaming DiLoCo). It is a
 * list of disjoint ranges in increasing order; a fragment's own "dense" vector is the
 * concatenation of those ranges, of length {@link #size()}. Sizes are {@code long};
 * {@link #gather}/{@link #scatter} work on chunked vectors ({@link Fp32Vector}) or one {@code float[]}.
 */
public record Fragment(int id, List<Range> ranges) {
    public Fragment {
        ranges = List.copyOf(ranges);
        if (id < 0) throw new IllegalArgumentException("fragment id " + id);
        long prevEnd = -1;
        for (Range r : ranges) {
            if (r.start() < prevEnd) throw new IllegalArgumentException("fragment " + id + " ranges overlap or are unordered: " + ranges);
            prevEnd = r.end();
        }
    }

    /** Number of floats in this fragment. */
    public long size() {
        long n = 0;
        for (Range r : ranges) n += r.length();
        return n;
    }

    /** {@link #size()} as the length of one {@code float[]} holding this fragment's dense vector. */
    public int arraySize() {
        return Fp32Storage.length(size(), "fragment " + id);
    }

    /** Copies this fragment's values out of the full vector {@code full} into {@code dense} (length {@link #size()}). */
    public void gather(float[] full, float[] dense) {
        gather(Fp32Vector.wrap(full), dense);
    }

    /** Writes {@code dense} (length {@link #size()}) back into this fragment's place in {@code full}. */
    public void scatter(float[] dense, float[] full) {
        scatter(dense, Fp32Vector.wrap(full));
    }

    /** {@link #gather(float[], float[])} from a chunked vector, piece by piece. */
    public void gather(Fp32Vector full, float[] dense) {
        copy(full, dense, true);
    }

    /** {@link #scatter(float[], float[])} into a chunked vector, piece by piece. */
    public void scatter(float[] dense, Fp32Vector full) {
        copy(full, dense, false);
    }

    /** Copies between the fragment's places in {@code full} and {@code dense}, in the fragment's order. */
    private void copy(Fp32Vector full, float[] dense, boolean out) {
        int o = 0;
        for (Range r : ranges) {
            for (Fp32Vector.Piece p : full.pieces(r)) {
                if (out) System.arraycopy(full.chunk(p.chunk()), p.offset(), dense, o, p.length());
                else System.arraycopy(dense, o, full.chunk(p.chunk()), p.offset(), p.length());
                o += p.length();
            }
        }
    }

    public float[] gather(Fp32Vector full) {
        float[] d = new float[arraySize()];
        gather(full, d);
        return d;
    }

    public float[] gather(float[] full) {
        return gather(Fp32Vector.wrap(full));
    }
}
