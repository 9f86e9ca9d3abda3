package org.diloco4j.core.agg;

import java.util.List;
import java.util.Locale;

/**
 * What went into one aggregate: the included contributions with their normalized shares, the
 * dropped ones with the reason, and the total weight.
 */
public record AggregationReport(List<Entry> included, List<Entry> dropped, double totalWeight) {
    /**
     * @param contribution who and what
     * @param weight       unnormalized weight (0 if dropped)
     * @param share        weight / total weight (0 if dropped)
     * @param reason       why it got that weight or why it was dropped
     * @param cause        why it was dropped; null when included
     */
    public record Entry(Contribution contribution, double weight, double share, String reason, DropCause cause) {
    }

    public AggregationReport {
        included = List.copyOf(included);
        dropped = List.copyOf(dropped);
    }

    public boolean isEmpty() {
        return included.isEmpty();
    }

    /** One line for logs: {@code 3 included (m0 0.333, m1 0.333, m2 0.333); 1 dropped (m3: too stale ...)}. */
    public String summary() {
        StringBuilder b = new StringBuilder().append(included.size()).append(" included (");
        for (int i = 0; i < included.size(); i++) {
            Entry e = included.get(i);
            b.append(i == 0 ? "" : ", ").append('m').append(e.contribution().member())
                    .append(String.format(Locale.ROOT, " %.3f", e.share()));
        }
        b.append(')');
        if (!dropped.isEmpty()) {
            b.append("; ").append(dropped.size()).append(" dropped (");
            for (int i = 0; i < dropped.size(); i++) {
                Entry e = dropped.get(i);
                b.append(i == 0 ? "" : "; ").append('m').append(e.contribution().member()).append(": ").append(e.reason());
            }
            b.append(')');
        }
        return b.toString();
    }
}
