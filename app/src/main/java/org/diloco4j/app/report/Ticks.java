package org.diloco4j.app.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Nice axis ticks (1, 2 or 5 × 10^k in the axis unit) and their labels. A linear axis domain is
 * widened to whole ticks so lines never touch the frame; a log axis gets one tick per decade.
 *
 * @param lo    the axis' lower end (data units)
 * @param hi    the axis' upper end
 * @param ticks the ticks between them, ascending
 */
record Ticks(double lo, double hi, List<Tick> ticks) {

    /** A tick at {@code value} reading {@code label}. */
    record Tick(double value, String label) {
    }

    /** Time units for SECONDS axes: the largest whose count stays readable. */
    private record TimeUnit(String name, double seconds) {
    }

    private static final TimeUnit[] TIME_UNITS = {
            new TimeUnit("s", 1), new TimeUnit("min", 60), new TimeUnit("h", 3600), new TimeUnit("d", 86400)};

    /**
     * Ticks for a linear axis covering [min, max] with about {@code target} intervals.
     *
     * @param snap widen the domain to whole ticks (false keeps [min, max], e.g. for a zoomed view)
     */
    static Ticks linear(double min, double max, int target, Quantity q, boolean snap) {
        if (!(max > min)) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.05;
            min -= pad;
            max += pad;
            if (q != Quantity.PLAIN && min < 0 && min + pad >= 0) {
                min = 0;
            }
        }
        TimeUnit time = timeUnit(Math.max(Math.abs(min), Math.abs(max)));
        double unit = q == Quantity.SECONDS ? time.seconds() : 1;
        double step = niceStep((max - min) / unit, target) * unit;
        double lo = snap ? Math.floor(min / step + 1e-9) * step : min;
        double hi = snap ? Math.ceil(max / step - 1e-9) * step : max;
        List<Tick> ticks = new ArrayList<>();
        long first = (long) Math.ceil(lo / step - 1e-9);
        for (long i = first; i * step <= hi + step * 1e-9; i++) {
            double v = i * step;
            ticks.add(new Tick(v, label(v, q, time, step)));
        }
        return new Ticks(lo, hi, ticks);
    }

    /** Ticks for a log10 axis covering [min, max] (both > 0): decades, plus 2 and 5 on short ranges. */
    static Ticks log(double min, double max, Quantity q) {
        if (!(min > 0) || !(max >= min)) {
            throw new IllegalArgumentException("a log axis needs 0 < min <= max, got [" + min + ", " + max + "]");
        }
        int d0 = (int) Math.floor(Math.log10(min) + 1e-9);
        int d1 = (int) Math.ceil(Math.log10(max) - 1e-9);
        if (d1 == d0) {
            d1++;
        }
        int decades = d1 - d0;
        int every = decades > 8 ? 2 : 1;
        List<Tick> ticks = new ArrayList<>();
        for (int d = d0; d <= d1; d++) {
            double v = Math.pow(10, d);
            if ((d - d0) % every == 0) {
                ticks.add(new Tick(v, label(v, q, TIME_UNITS[0], v)));
            }
            if (decades <= 2 && d < d1) {
                ticks.add(new Tick(2 * v, label(2 * v, q, TIME_UNITS[0], v)));
                ticks.add(new Tick(5 * v, label(5 * v, q, TIME_UNITS[0], v)));
            }
        }
        return new Ticks(Math.pow(10, d0), Math.pow(10, d1), ticks);
    }

    /** 1, 2 or 5 × 10^k, about range/target. */
    static double niceStep(double range, int target) {
        double raw = range / Math.max(1, target);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        double nice = n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10;
        return nice * mag;
    }

    private static TimeUnit timeUnit(double maxSeconds) {
        if (maxSeconds < 180) {
            return TIME_UNITS[0];
        }
        if (maxSeconds < 3 * 3600) {
            return TIME_UNITS[1];
        }
        return maxSeconds < 72 * 3600 ? TIME_UNITS[2] : TIME_UNITS[3];
    }

    /** A tick label precise enough to tell neighbours {@code step} apart, without trailing zeros. */
    private static String label(double v, Quantity q, TimeUnit time, double step) {
        if (Math.abs(v) < step * 1e-9) {
            return "0";
        }
        return switch (q) {
            case SECONDS -> Fmt.trim(v / time.seconds(), decimals(step / time.seconds())) + " " + time.name();
            case PLAIN, LOSS, RATE -> Fmt.trim(v, decimals(step));
            case COUNT -> Fmt.count(Math.round(v));
            case TOKENS, TOKENS_PER_SECOND -> scaled(v, step, new String[] {"", "k", "M", "B", "T"}, "");
            case BYTES -> scaled(v, step, new String[] {"B", "KB", "MB", "GB", "TB", "PB"}, " ");
        };
    }

    private static String scaled(double v, double step, String[] units, String sep) {
        int u = 0;
        double div = 1;
        while (u < units.length - 1 && Math.abs(v) >= div * 1000 * 0.9995) {
            div *= 1000;
            u++;
        }
        return Fmt.trim(v / div, decimals(step / div)) + sep + units[u];
    }

    private static int decimals(double step) {
        return Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    }
}
