package org.diloco4j.net.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.diloco4j.net.metrics.CoordinatorMetrics;

/**
 * The benchmark's monitoring: the seconds from each accepted push's last byte to its answer
 * ({@link CoordinatorMetrics#pushAnswered}), kept while the window is open, summarised as percentiles.
 */
final class AnswerTimes implements CoordinatorMetrics {
    private final ConcurrentLinkedQueue<Double> seconds = new ConcurrentLinkedQueue<>();
    private volatile boolean open;

    @Override
    public void pushAnswered(double s) {
        if (open) seconds.add(s);
    }

    void open() {
        open = true;
    }

    void close() {
        open = false;
    }

    /** push_answer_seconds_{count, p50, p90, p99, max} of the window's answers (none: count 0). */
    void put(Map<String, Object> res) {
        double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        res.put("push_answer_count", s.length);
        if (s.length == 0) return;
        res.put("push_answer_seconds_p50", quantile(s, 0.5));
        res.put("push_answer_seconds_p90", quantile(s, 0.9));
        res.put("push_answer_seconds_p99", quantile(s, 0.99));
        res.put("push_answer_seconds_max", s[s.length - 1]);
    }

    /** The nearest-rank quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) throw new IllegalArgumentException("no values");
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
