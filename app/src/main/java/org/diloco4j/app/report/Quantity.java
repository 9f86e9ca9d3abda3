package org.diloco4j.app.report;

/** What an axis measures: decides how its tick labels and tooltip values read. */
enum Quantity {
    /** Plain numbers. */
    PLAIN,
    /** Losses: three decimals in tooltips. */
    LOSS,
    /** Token counts: 0, 500k, 1.5M. */
    TOKENS,
    /** Bytes: 1 KB, 10 MB. */
    BYTES,
    /** Seconds of the run clock; ticks are nice in s, min, h or d. */
    SECONDS,
    /** Whole counts: 0, 250, 1,000. */
    COUNT,
    /** Small positive rates such as a learning rate: three significant digits at any scale (0.000400). */
    RATE,
    /** Token throughputs: 950, 12.5k per second. */
    TOKENS_PER_SECOND;

    /** A value for a tooltip or a table cell. */
    String format(double v) {
        return switch (this) {
            case PLAIN -> Fmt.sig3(v);
            case LOSS -> Fmt.loss(v);
            case TOKENS -> Fmt.tokens(v);
            case BYTES -> Fmt.bytes(v);
            case SECONDS -> Fmt.seconds(v);
            case COUNT -> Fmt.count(Math.round(v));
            case RATE -> String.format(java.util.Locale.ROOT, "%.3g", v);
            case TOKENS_PER_SECOND -> Fmt.tokens(v) + "/s";
        };
    }
}
