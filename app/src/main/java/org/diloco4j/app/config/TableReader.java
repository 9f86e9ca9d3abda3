package org.diloco4j.app.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Set;

/** Reads {@code [[sim.workers]]} and {@code [[sim.faults]]} tables, rejecting keys they do not have. */
final class TableReader {
    private static final Set<String> WORKER_KEYS = Set.of("name", "seconds_per_step", "jitter", "up_mbps", "down_mbps", "latency_ms", "drop", "shard");
    private static final Set<String> FAULT_KEYS = Set.of("kind", "worker", "at", "until", "factor", "seconds_per_step", "jitter",
            "up_mbps", "down_mbps", "latency_ms", "drop", "shard");

    private TableReader() {
    }

    static WorkerEntry worker(JsonNode t, int index) {
        String where = "[[sim.workers]] entry " + (index + 1);
        check(t, where, WORKER_KEYS);
        return new WorkerEntry(text(t, "name", where, null), num(t, "seconds_per_step", where, Double.NaN),
                num(t, "jitter", where, 0.0), num(t, "up_mbps", where, Double.NaN), num(t, "down_mbps", where, Double.NaN),
                num(t, "latency_ms", where, 0), num(t, "drop", where, 0), (int) num(t, "shard", where, -1));
    }

    static FaultEntry fault(JsonNode t, int index) {
        String where = "[[sim.faults]] entry " + (index + 1);
        check(t, where, FAULT_KEYS);
        String kind = text(t, "kind", where, null);
        String worker = text(t, "worker", where, null);
        WorkerEntry joiner = null;
        if ("join".equalsIgnoreCase(kind)) {
            joiner = new WorkerEntry(worker, num(t, "seconds_per_step", where, Double.NaN), num(t, "jitter", where, 0),
                    num(t, "up_mbps", where, Double.NaN), num(t, "down_mbps", where, Double.NaN), num(t, "latency_ms", where, 0),
                    num(t, "drop", where, 0), (int) num(t, "shard", where, -1));
        }
        return new FaultEntry(kind, worker, num(t, "at", where, Double.NaN), num(t, "until", where, Double.NaN),
                num(t, "factor", where, 1.0), joiner);
    }

    private static void check(JsonNode t, String where, Set<String> allowed) {
        if (!t.isObject()) throw new ConfigException(where + " is not a table");
        Iterator<String> it = t.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k)) throw new ConfigException(where + ": unknown key '" + k + "'; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
        }
    }

    private static String text(JsonNode t, String key, String where, String def) {
        JsonNode v = t.get(key);
        if (v == null) {
            if (def == null) throw new ConfigException(where + " needs " + key);
            return def;
        }
        if (!v.isTextual()) throw new ConfigException(where + ": " + key + " must be a string");
        return v.textValue();
    }

    private static double num(JsonNode t, String key, String where, double def) {
        JsonNode v = t.get(key);
        if (v == null) {
            if (Double.isNaN(def) && !key.equals("until") && !key.equals("at")) throw new ConfigException(where + " needs " + key);
            if (key.equals("at") && Double.isNaN(def)) throw new ConfigException(where + " needs at (seconds)");
            return def;
        }
        if (!v.isNumber()) throw new ConfigException(where + ": " + key + " must be a number, got " + v);
        return v.doubleValue();
    }
}
