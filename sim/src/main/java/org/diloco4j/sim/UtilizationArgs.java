package org.diloco4j.sim;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code scripts/utilization-table} is asked for: the model (its size and step time), the
 * workers and their latency, and where the table goes. Without options, the figures of
 * docs/bench/utilization.md: 1B parameters at 0.1 s per step, 2 workers, 1 ms latency, 4 rounds,
 * written there; with options, the table is written to OUT if given and printed.
 * A timing-only run allocates nothing per parameter, so any size is simulated as itself (a 70B
 * model is a count, not an array).
 *
 * <pre>
 *   [--params N --seconds-per-step S | --size LABEL --device NAME] [--workers W] [--latency-ms L] [--rounds R] [OUT]
 * </pre>
 * {@code --size} names a size of docs/scale.md ({@link ScaleSize#issue14}: 124M, 1B, 10B, 70B) and
 * {@code --device} a profile ({@link Accelerator}): the step time is then the profile's FLOP/s on
 * that model's FLOPs per step, with as many devices per worker as hold its training state.
 *
 * @param out   where the table is written; null: printed only
 * @param model how the table's text names the model and its step time
 */
record UtilizationArgs(Path out, long params, double secondsPerStep, int workers, double latencySeconds, int rounds, String model) {
    static final String USAGE = "usage: utilization-table [--params N --seconds-per-step S | --size LABEL --device NAME] [--workers W]"
            + " [--latency-ms L] [--rounds R] [OUT.md]";

    UtilizationArgs {
        if (params < 1) throw new IllegalArgumentException("--params " + params + ": a model needs at least one parameter");
        if (!(secondsPerStep > 0) || Double.isInfinite(secondsPerStep)) {
            throw new IllegalArgumentException("--seconds-per-step " + secondsPerStep + ": must be a positive number of seconds");
        }
        if (workers < 1) throw new IllegalArgumentException("--workers " + workers + ": must be at least 1");
        if (!(latencySeconds >= 0) || Double.isInfinite(latencySeconds)) {
            throw new IllegalArgumentException("--latency-ms " + latencySeconds * 1000 + ": must be a number of milliseconds >= 0");
        }
        if (rounds < 1) throw new IllegalArgumentException("--rounds " + rounds + ": must be at least 1");
    }

    /**
     * The options in {@code args}.
     *
     * @throws IllegalArgumentException naming the option that is wrong, in one line
     */
    static UtilizationArgs parse(String[] args) {
        // Without arguments, the committed table; with options and no OUT, printed only (not over the committed one).
        Path out = args.length == 0 ? Path.of("docs/bench/utilization.md") : null;
        Long params = null;
        Double seconds = null;
        String size = null;
        String device = null;
        int workers = 2;
        double latency = 0.001;
        int rounds = 4;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                out = Path.of(a);
                continue;
            }
            if (i + 1 == args.length) throw new IllegalArgumentException(a + " needs a value; " + USAGE);
            String v = args[++i];
            switch (a) {
                case "--params" -> params = count(a, v);
                case "--seconds-per-step" -> seconds = number(a, v);
                case "--size" -> size = v;
                case "--device" -> device = v;
                case "--workers" -> workers = intCount(a, v);
                case "--latency-ms" -> latency = number(a, v) / 1000;
                case "--rounds" -> rounds = intCount(a, v);
                default -> throw new IllegalArgumentException("unknown option " + a + "; " + USAGE);
            }
        }
        if (size != null || device != null) {
            if (size == null || device == null || params != null || seconds != null) {
                throw new IllegalArgumentException("--size and --device go together, instead of --params and --seconds-per-step; " + USAGE);
            }
            ScaleSize s = sizeNamed(size);
            Accelerator d = Accelerator.parse(device);
            String named = String.format(Locale.ROOT, "the %s model of docs/scale.md (%,d parameters) on %d × %s per worker, %.3g s per inner step",
                    s.label(), s.model().params(), s.devicesPerWorker(d), d.label(), s.secondsPerStep(d));
            return new UtilizationArgs(out, s.model().params(), s.secondsPerStep(d), workers, latency, rounds, named);
        }
        if ((params == null) != (seconds == null)) {
            throw new IllegalArgumentException("--params and --seconds-per-step go together; " + USAGE);
        }
        long n = params == null ? 1_000_000_000L : params;
        double s = seconds == null ? 0.1 : seconds;
        return new UtilizationArgs(out, n, s, workers, latency, rounds, String.format(Locale.ROOT, "a %s-parameter model, %s s per inner step",
                label(n), BigDecimal.valueOf(s).stripTrailingZeros().toPlainString()));
    }

    /** The table's text: model, workers, latency and rounds. */
    String described() {
        return String.format(Locale.ROOT, "%s, %d workers, %s ms latency, %d rounds per point", model, workers,
                BigDecimal.valueOf(latencySeconds * 1000).stripTrailingZeros().toPlainString(), rounds);
    }

    /** 1B, 7B, 350M for round counts; the digits otherwise. */
    private static String label(long n) {
        if (n % 1_000_000_000L == 0) return n / 1_000_000_000L + "B";
        if (n % 1_000_000L == 0) return n / 1_000_000L + "M";
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static ScaleSize sizeNamed(String label) {
        for (ScaleSize s : ScaleSize.issue14()) if (s.label().equalsIgnoreCase(label.strip())) return s;
        throw new IllegalArgumentException("--size " + label + " is not a size of docs/scale.md; known: "
                + String.join(", ", ScaleSize.issue14().stream().map(ScaleSize::label).toList()) + " (or give --params and --seconds-per-step)");
    }

    /** A whole number, written plainly or as 7e9. */
    private static long count(String option, String v) {
        try {
            return new BigDecimal(v.strip()).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + v + ": expected a whole number (e.g. 7000000000 or 7e9)");
        }
    }

    /** A whole number that fits an int (the simulator counts workers and rounds in ints); below 1 the record refuses it. */
    private static int intCount(String option, String v) {
        long n = count(option, v);
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(option + " " + v + ": at most " + Integer.MAX_VALUE);
        if (n < Integer.MIN_VALUE) throw new IllegalArgumentException(option + " " + v + ": must be at least 1");
        return (int) n;
    }

    private static double number(String option, String v) {
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + v + ": expected a number");
        }
    }
}
