package org.diloco4j.app.report;

/**
 * Maps a data interval to a pixel interval, linearly or by log10.
 *
 * @param lo  data value at {@code p0}
 * @param hi  data value at {@code p1}
 * @param p0  pixel of {@code lo}
 * @param p1  pixel of {@code hi} (smaller than p0 for a y axis, which grows upwards)
 * @param log map log10 of the value
 */
record Scale(double lo, double hi, double p0, double p1, boolean log) {

    Scale {
        if (log && !(lo > 0 && hi > lo)) {
            throw new IllegalArgumentException("a log scale needs 0 < lo < hi, got [" + lo + ", " + hi + "]");
        }
        if (!log && !(hi > lo)) {
            throw new IllegalArgumentException("a scale needs lo < hi, got [" + lo + ", " + hi + "]");
        }
    }

    static Scale of(Ticks t, double p0, double p1, boolean log) {
        return new Scale(t.lo(), t.hi(), p0, p1, log);
    }

    double px(double v) {
        double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        return p0 + f * (p1 - p0);
    }

    /** Whether the value can be placed on this scale at all (log scales take positive values only). */
    boolean accepts(double v) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    /** Whether the value lies inside the visible interval. */
    boolean contains(double v) {
        return accepts(v) && v >= lo - (hi - lo) * 1e-9 && v <= hi + (hi - lo) * 1e-9;
    }
}
