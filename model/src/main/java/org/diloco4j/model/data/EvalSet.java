package org.diloco4j.model.data;

/**
 * Which half of the held-out documents an evaluation scores. Hyper-parameters are chosen on the
 * tuning half and results reported on the other, so that a reported figure is never the one a
 * choice was made on. The halves are alternate held-out documents (in corpus order), so both cover
 * every language or file group in the same proportions.
 */
public enum EvalSet {
    REPORT, TUNE;

    public static EvalSet parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "report" -> REPORT;
            case "tune" -> TUNE;
            default -> throw new IllegalArgumentException("eval set '" + s + "': expected report or tune");
        };
    }

    /** This set's documents among {@code validation} (sorted ascending): even positions report, odd ones tune. */
    int[] of(int[] validation) {
        if (validation.length < 2) return validation.clone();
        int first = this == REPORT ? 0 : 1;
        int[] out = new int[(validation.length - first + 1) / 2];
        for (int i = 0; i < out.length; i++) out[i] = validation[first + 2 * i];
        return out;
    }
}
