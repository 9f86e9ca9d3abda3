package org.diloco4j.core.params;

import java.util.List;

/**
 * A subset of the flat parameter vector that is synchronised as a unit (Streaming DiLoCo). It is a
 * list of disjoint ranges in increasing order; a fragment's own "dense" vector is the
 * concatenation of those ranges, of length {@link #size()}.
 */
public record Fragment(int id, List<Range> ranges) {
    public Fragment {
        ranges = List.copyOf(ranges);
        if (id < 0) throw new IllegalArgumentException("fragment id " + id);
        int prevEnd = -1;
        for (Range r : ranges) {
            if (r.start() < prevEnd) throw new IllegalArgumentException("fragment " + id + " ranges overlap or are unordered: " + ranges);
            prevEnd = r.end();
        }
    }

    /** Number of floats in this fragment. */
    public int size() {
        long n = 0;
        for (Range r : ranges) n += r.length();
        return (int) n;
    }

    /** Copies this fragment's values out of the full vector {@code full} into {@code dense} (length {@link #size()}). */
    public void gather(float[] full, float[] dense) {
        int o = 0;
        for (Range r : ranges) {
            System.arraycopy(full, r.start(), dense, o, r.length());
            o += r.length();
        }
    }

    /** Writes {@code dense} (length {@link #size()}) back into this fragment's place in {@code full}. */
    public void scatter(float[] dense, float[] full) {
        int o = 0;
        for (Range r : ranges) {
            System.arraycopy(dense, o, full, r.start(), r.length());
            o += r.length();
        }
    }

    public float[] gather(float[] full) {
        float[] d = new float[size()];
        gather(full, d);
        return d;
    }
}
