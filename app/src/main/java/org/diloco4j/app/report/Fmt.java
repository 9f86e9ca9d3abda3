package org.diloco4j.app.report;

import java.util.Locale;

/**
 * How the report writes quantities: durations as ms/s/min/h/d, bytes in decimal units
 * (1 MB = 10^6 bytes, like link speeds), token counts as k/M/B, three significant digits.
 * Non-finite values print as an em dash. The terminal commands use the same forms.
 */
public final class Fmt {
    static final String NONE = "—";
    private static final String[] BYTE_UNITS = {"B", "KB", "MB", "GB", "TB", "PB"};
    private static final String[] COUNT_UNITS = {"", "k", "M", "B", "T"};

    private Fmt() {
    }

    /** A duration for tables: "850 ms", "12.5 s", "4 min 05 s", "1 h 02 min", "3 d 04 h". */
    public static String seconds(double s) {
        if (!Double.isFinite(s)) {
            return NONE;
        }
        if (s < 0) {
            return "-" + seconds(-s);
        }
        if (s == 0) {
            return "0 s";
        }
        if (s < 1) {
            return sig3(s * 1000) + " ms";
        }
        if (s < 60) {
            return sig3(s) + " s";
        }
        long r = Math.round(s);
        if (r < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", r / 60, r % 60);
        }
        long m = Math.round(s / 60);
        if (m < 24 * 60) {
            return String.format(Locale.ROOT, "%d h %02d min", m / 60, m % 60);
        }
        long h = Math.round(s / 3600);
        return String.format(Locale.ROOT, "%d d %02d h", h / 24, h % 24);
    }

    /** A byte count: "0 B", "512 B", "1.23 KB", "34.5 MB", "412 GB". */
    public static String bytes(double b) {
        return scaled(b, 1000, BYTE_UNITS, " ");
    }

    /** A token (or other large) count: "950", "12.5k", "1.25M", "3.10B". */
    public static String tokens(double t) {
        return scaled(t, 1000, COUNT_UNITS, "");
    }

    /** A parameter count: "3.26M". */
    static String params(long n) {
        return n < 0 ? NONE : tokens(n);
    }

    /** An exact count with thousands separators: "12,345". */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static String loss(double l) {
        return Double.isFinite(l) ? String.format(Locale.ROOT, "%.3f", l) : NONE;
    }

    /** Bits per byte, four decimals: 1.2345. */
    public static String bpb(double b) {
        return Double.isFinite(b) ? String.format(Locale.ROOT, "%.4f", b) : NONE;
    }

    static String ppl(double p) {
        if (!Double.isFinite(p)) {
            return NONE;
        }
        return p >= 1000 ? String.format(Locale.ROOT, "%,.0f", p) : sig3(p);
    }

    /** A fraction as a percentage: 0.912 → "91.2%". */
    static String percent(double f) {
        return Double.isFinite(f) ? String.format(Locale.ROOT, "%.1f%%", f * 100) : NONE;
    }

    /** A signed relative change: 0.071 → "+7.1%". */
    static String signedPercent(double f) {
        return Double.isFinite(f) ? String.format(Locale.ROOT, "%+.1f%%", f * 100) : NONE;
    }

    /** How much less than data-parallel training a run communicated: "412× fewer", "2.30× more". */
    public static String ratioToDdp(double ddpBytes, double bytesSent) {
        if (!(ddpBytes > 0) || !Double.isFinite(bytesSent) || bytesSent < 0) {
            return NONE;
        }
        if (bytesSent == 0) {
            return "no communication";
        }
        double r = ddpBytes / bytesSent;
        if (r >= 1) {
            return ratio(r) + "× fewer";
        }
        return ratio(1 / r) + "× more";
    }

    private static String ratio(double r) {
        return r >= 1000 ? String.format(Locale.ROOT, "%,.0f", r) : sig3(r);
    }

    /** Three significant digits without exponent: 1.23, 12.3, 123, 1234. */
    static String sig3(double v) {
        if (!Double.isFinite(v)) {
            return NONE;
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        int decimals = a >= 99.95 ? 0 : a >= 9.995 ? 1 : a >= 0.9995 ? 2 : 3;
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A number with the fewest decimals (at most {@code maxDecimals}) that shows it exactly enough. */
    static String trim(double v, int maxDecimals) {
        String s = String.format(Locale.ROOT, "%." + Math.max(0, maxDecimals) + "f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }

    private static String scaled(double v, double base, String[] units, String sep) {
        if (!Double.isFinite(v)) {
            return NONE;
        }
        double a = Math.abs(v);
        int u = 0;
        while (u < units.length - 1 && a >= base * 0.9995) {
            a /= base;
            u++;
        }
        String number = u == 0 ? String.format(Locale.ROOT, "%.0f", a) : sig3(a);
        return (v < 0 ? "-" : "") + number + sep + units[u];
    }
}
