package org.diloco4j.core.dylu;

import java.util.Locale;

/**
 * How a worker's speed (inner steps per second) is estimated from its reports.
 *
 * @param mode   {@link Mode#EMA}: exponential moving average of each report's rate;
 *               {@link Mode#WINDOW}: total steps over total seconds of the last {@code window} reports
 * @param alpha  EMA weight of the newest report, in (0, 1]; 1 keeps only the latest
 * @param window reports kept by {@link Mode#WINDOW}, ≥ 1
 */
public record SpeedConfig(Mode mode, double alpha, int window) {
    public enum Mode { EMA, WINDOW }

    public SpeedConfig {
        if (mode == null) throw new IllegalArgumentException("dylu.speed.mode is missing; allowed: ema, window");
        if (!(alpha > 0 && alpha <= 1)) throw new IllegalArgumentException("dylu.speed.alpha = " + alpha + " is invalid: must be in (0, 1]");
        if (window < 1) throw new IllegalArgumentException("dylu.speed.window = " + window + " is invalid: must be >= 1");
    }

    public static SpeedConfig ema(double alpha) {
        return new SpeedConfig(Mode.EMA, alpha, 1);
    }

    public static SpeedConfig window(int reports) {
        return new SpeedConfig(Mode.WINDOW, 1, reports);
    }

    /** EMA with α = 0.5: follows a change in speed within a few rounds, smooths single slow rounds. */
    public static SpeedConfig defaults() {
        return ema(0.5);
    }

    public static Mode parseMode(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "ema" -> Mode.EMA;
            case "window" -> Mode.WINDOW;
            default -> throw new IllegalArgumentException("unknown speed estimate '" + s + "'; allowed: ema, window");
        };
    }
}
