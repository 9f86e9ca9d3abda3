package org.diloco4j.app.config;

import com.fasterxml.jackson.databind.JsonNode;

import org.diloco4j.sim.Accelerator;
import org.diloco4j.sim.StepTimeSource;

import java.util.Iterator;
import java.util.Set;

/** Reads {@code [[sim.workers]]} and {@code [[sim.faults]]} tables, rejecting keys they do not have. */
final class TableReader {
    private static final Set<String> WORKER_KEYS = Set.of("name", "seconds_per_step", "device", "flops", "memory_gb", "step_time",
            "jitter", "up_mbps", "down_mbps", "latency_ms", "drop", "shard");
    private static final Set<String> FAULT_KEYS = Set.of("kind", "worker", "at", "until", "factor", "seconds_per_step", "device", "flops",
            "memory_gb", "step_time", "jitter", "up_mbps", "down_mbps", "latency_ms", "drop", "shard");

    private TableReader() {
    }

    static WorkerEntry worker(JsonNode t, int index) {
        String where = "[[sim.workers]] entry " + (index + 1);
        check(t, where, WORKER_KEYS);
        return entry(t, where, text(t, "name", where, null));
    }

    /** A worker's device, step time and link: the keys [[sim.workers]] and join faults share. */
    private static WorkerEntry entry(JsonNode t, String where, String name) {
        DeviceEntry device;
        try {
            device = device(t, where);
        } catch (ConfigException e) {
            throw new ConfigException(where + " ('" + name + "'): " + e.getMessage());
        }
        double sps = device.stepTime() == StepTimeSource.SECONDS_PER_STEP || t.has("seconds_per_step")
                ? num(t, "seconds_per_step", where, Double.NaN) : Double.NaN;
        return new WorkerEntry(name, sps, num(t, "jitter", where, 0.0), num(t, "up_mbps", where, Double.NaN),
                num(t, "down_mbps", where, Double.NaN), num(t, "latency_ms", where, 0), num(t, "drop", where, 0),
                (int) num(t, "shard", where, -1), device);
    }

    /**
     * The device keys, and which of them decides the step time: step_time when the file says (a run's
     * config.toml does, next to the seconds_per_step that was derived), else seconds_per_step, else
     * flops, else device.
     */
    private static DeviceEntry device(JsonNode t, String where) {
        StepTimeSource source;
        if (t.has("step_time")) {
            try {
                source = StepTimeSource.parse(text(t, "step_time", where, null));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        } else if (t.has("seconds_per_step")) source = StepTimeSource.SECONDS_PER_STEP;
        else if (t.has("flops")) source = StepTimeSource.FLOPS;
        else if (t.has("device")) source = StepTimeSource.DEVICE;
        else throw new ConfigException("needs seconds_per_step, device (" + String.join(", ", Accelerator.labels()) + ") or flops (sustained FLOP/s)");
        return new DeviceEntry(source, text(t, "device", where, ""), optional(t, "flops", where), optional(t, "memory_gb", where));
    }

    static FaultEntry fault(JsonNode t, int index) {
        String where = "[[sim.faults]] entry " + (index + 1);
        check(t, where, FAULT_KEYS);
        String kind = text(t, "kind", where, null);
        String worker = text(t, "worker", where, null);
        WorkerEntry joiner = null;
        if ("join".equalsIgnoreCase(kind)) joiner = entry(t, where, worker);
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

    /** A number the table may leave out (NaN then). */
    private static double optional(JsonNode t, String key, String where) {
        return t.has(key) ? num(t, key, where, 0) : Double.NaN;
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
