package org.diloco4j.sim;

import java.util.Arrays;
import java.util.Locale;

/**
 * Preset spreads of device speed. {@link #VERY} for four workers is the profile of the public
 * asynchronous-DiLoCo toy (0.58, 0.75, 1.51, 3.33 s/step); for other counts, and for the milder
 * levels, step times are spaced geometrically with the level's slowest/fastest ratio.
 */
public enum Heterogeneity {
    NONE(1.0),
    SLIGHT(1.25),
    MODERATE(2.5),
    VERY(3.33 / 0.58);

    private static final double[] TOY = {0.58, 0.75, 1.51, 3.33};
    private final double ratio;

    Heterogeneity(double ratio) {
        this.ratio = ratio;
    }

    /** Slowest step time over fastest. */
    public double ratio() {
        return ratio;
    }

    /**
     * Seconds per step of {@code k} workers, fastest first, with geometric mean {@code mean}
     * (the toy's own numbers when {@code mean} is their geometric mean and k = 4).
     */
    public double[] secondsPerStep(int k, double mean) {
        if (k < 1) throw new IllegalArgumentException("workers = " + k + ": must be >= 1");
        if (!(mean > 0)) throw new IllegalArgumentException("mean seconds per step = " + mean + ": must be > 0");
        double[] s = new double[k];
        if (this == VERY && k == 4) {
            double g = Math.pow(TOY[0] * TOY[1] * TOY[2] * TOY[3], 0.25);
            for (int i = 0; i < 4; i++) s[i] = TOY[i] * mean / g;
            return s;
        }
        for (int i = 0; i < k; i++) {
            double f = k == 1 ? 0.5 : (double) i / (k - 1);
            s[i] = mean * Math.pow(ratio, f - 0.5);
        }
        return s;
    }

    public static Heterogeneity parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown heterogeneity '" + s + "'; allowed: "
                    + Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList());
        }
    }
}
