package org.diloco4j.bench.ingest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.IntConsumer;

/** The A/B harnesses' timing: variants rotated round by round in one JVM (so they share a shared machine's load), in this thread's CPU time. */
final class RotatedRounds {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Rounds run first and not counted (JIT warm-up). */
    static final int WARM_UP = 2;

    private RotatedRounds() {
    }

    /** CPU ms of each of {@code rounds} rounds (after {@link #WARM_UP}) of variants 0 … variants − 1, each round starting one variant later. */
    static double[][] cpuMs(int variants, int rounds, IntConsumer run) {
        double[][] t = new double[variants][rounds];
        for (int s = 0; s < rounds + WARM_UP; s++) {
            for (int j = 0; j < variants; j++) {
                int v = (j + s) % variants; // rotate who goes first
                long c0 = THREADS.getCurrentThreadCpuTime();
                run.accept(v);
                if (s >= WARM_UP) t[v][s - WARM_UP] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
            }
        }
        return t;
    }

    /** "median (min–max)" of {@code t}, one decimal. */
    static String spread(double[] t) {
        return String.format("%.1f (%.1f–%.1f)", IngestInputs.median(t), Arrays.stream(t).min().orElseThrow(), Arrays.stream(t).max().orElseThrow());
    }

    /** What a printed row is: the variant's label, its name in the #RESULT line, the arrivals a round applies, and its baseline's index. */
    record Row(String label, String name, int arrivals, int baseline) {
    }

    /**
     * The table of {@link #cpuMs}'s times for θ of n values (per round, per value and per arrival, CPU-s per GB of int8, against the
     * baseline), then one {@code #RESULT name ns-per-value} line per variant for the scripts' summary over JVMs.
     */
    static void print(String vsWhat, int n, double[][] t, Row[] rows) {
        System.out.println("| variant | CPU ms per round, median (min–max) | ns per value (per arrival) | CPU-s per GB int8 | vs " + vsWhat + " |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (int v = 0; v < rows.length; v++) {
            Row r = rows[v];
            double med = IngestInputs.median(t[v]);
            double perValue = med * 1e6 / n;
            System.out.printf("| %s | %s | %.3f (%.3f) | %.2f | %.2f |%n", r.label(), spread(t[v]), perValue, perValue / r.arrivals(),
                    med / 1e3 / (r.arrivals() * (n / 1e9)), med / IngestInputs.median(t[r.baseline()]));
        }
        for (int v = 0; v < rows.length; v++) System.out.printf("#RESULT %s %.4f%n", rows[v].name(), IngestInputs.median(t[v]) * 1e6 / n);
    }
}
