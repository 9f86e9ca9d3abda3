package org.diloco4j.net;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads values out of a Prometheus registry, as a scrape would see them. */
final class Snapshots {
    private Snapshots() {
    }

    /**
     * The sum of the series of {@code name} (as exposed: counters with {@code _total}, info metrics with {@code _info}) whose labels
     * include {@code labels} (name, value, name, value...); a histogram's series count their
     * observations. 0 if there is none.
     */
    static double value(PrometheusRegistry r, String name, String... labels) {
        double sum = 0;
        for (MetricSnapshot m : r.scrape()) {
            String base = m.getMetadata().getPrometheusName();
            boolean named = name.equals(base) || m instanceof CounterSnapshot && name.equals(base + "_total")
                    || m instanceof InfoSnapshot && name.equals(base + "_info");
            if (!named) continue;
            for (DataPointSnapshot p : m.getDataPoints()) {
                if (matches(p, labels)) sum += value(p);
            }
        }
        return sum;
    }

    /** How many observations of histogram {@code name} were at most {@code le}. */
    static long atMost(PrometheusRegistry r, String name, double le) {
        for (MetricSnapshot m : r.scrape()) {
            if (m instanceof HistogramSnapshot h && m.getMetadata().getPrometheusName().equals(name)) {
                long n = 0;
                // The snapshot's bucket counts are per bucket; the exposition's le buckets add them up.
                for (var b : h.getDataPoints().get(0).getClassicBuckets()) if (b.getUpperBound() <= le) n += b.getCount();
                return n;
            }
        }
        throw new AssertionError("no histogram " + name);
    }

    private static boolean matches(DataPointSnapshot p, String... labels) {
        for (int i = 0; i < labels.length; i += 2) if (!labels[i + 1].equals(p.getLabels().get(labels[i]))) return false;
        return true;
    }

    private static double value(DataPointSnapshot p) {
        return switch (p) {
            case CounterSnapshot.CounterDataPointSnapshot c -> c.getValue();
            case GaugeSnapshot.GaugeDataPointSnapshot g -> g.getValue();
            case HistogramSnapshot.HistogramDataPointSnapshot h -> h.getCount();
            case InfoSnapshot.InfoDataPointSnapshot i -> 1;
            default -> throw new AssertionError("unexpected data point " + p);
        };
    }
}
