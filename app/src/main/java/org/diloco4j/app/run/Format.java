package org.diloco4j.app.run;

import java.util.Locale;

/** Human-readable numbers for terminals. */
public final class Format {
    private Format() {
    }

    public static String bytes(double b) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
        int u = 0;
        while (b >= 1000 && u < units.length - 1) {
            b /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
    }

    public static String duration(double s) {
        if (s < 60) return String.format(Locale.ROOT, "%.1fs", s);
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", (long) s / 3600, ((long) s % 3600) / 60);
    }

    public static String count(double n) {
        if (n >= 1e9) return String.format(Locale.ROOT, "%.2fG", n / 1e9);
        if (n >= 1e6) return String.format(Locale.ROOT, "%.2fM", n / 1e6);
        if (n >= 1e3) return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        return String.format(Locale.ROOT, "%.0f", n);
    }
}
