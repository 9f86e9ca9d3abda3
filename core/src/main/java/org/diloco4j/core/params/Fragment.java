package org.diloco4j.core.params;

import java.util.List;

/**
 * A subset of the flat parameter vector that is synchronised as a unit (Streaming DiLoCo). It is a
 * list of disjoint ranges in increasing order; a fragment's own "dense" vector is the
 * concatenation of those ranges, of length {@link #size()}. Sizes are {@code long};
 * {@link #gather}/{@link #scatter} work on vectors held in one {@code float[]} ({@link Fp32Storage}).
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
        int o = 0;
        for (Range r : ranges) {
            System.arraycopy(full, r.arrayStart(), dense, o, r.arrayLength());
            o += r.arrayLength();
        }
    }

    /** Writes {@code dense} (length {@link #size()}) back into this fragment's place in {@code full}. */
    public void scatter(float[] dense, float[] full) {
        int o = 0;
        for (Range r : ranges) {
            System.arraycopy(dense, o, full, r.arrayStart(), r.arrayLength());
            o += r.arrayLength();
        }
    }

    public float[] gather(float[] full) {
        float[] d = new float[arraySize()];
        gather(full, d);
        return d;
    }
}
