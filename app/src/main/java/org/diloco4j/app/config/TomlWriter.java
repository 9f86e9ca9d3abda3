package org.diloco4j.app.config;

import org.diloco4j.sim.StepTimeSource;

import java.util.Locale;

/** Writes a resolved {@link RunConfig} as TOML: every key, in schema order, with its meaning and allowed values as a comment. */
public final class TomlWriter {
    private TomlWriter() {
    }

    public static String write(RunConfig r) {
        StringBuilder b = new StringBuilder("# diloco4j run configuration (fully resolved). Repeat the run with: diloco train --config config.toml\n");
        String section = "";
        for (ConfigKey k : Schema.keys()) {
            if (!k.section().equals(section)) {
                section = k.section();
                b.append("\n[").append(section).append("]\n");
            }
            b.append(k.leaf()).append(" = ").append(literal(r.get(k.name()))).append("  # ");
            if (r.fromPreset(k.name())) b.append("[from model.preset ").append(r.preset().label()).append("] ");
            b.append(k.doc());
            if (!k.allowed().isEmpty()) b.append("; allowed: ").append(String.join(", ", k.allowed()));
            b.append('\n');
        }
        for (WorkerEntry w : r.workers()) {
            b.append("\n[[sim.workers]]\n");
            b.append("name = ").append(literal(w.name())).append('\n');
            profile(b, w);
        }
        for (FaultEntry f : r.faults()) {
            b.append("\n[[sim.faults]]\n");
            b.append("kind = ").append(literal(f.kind())).append('\n');
            b.append("worker = ").append(literal(f.worker())).append('\n');
            b.append("at = ").append(literal(f.at())).append('\n');
            if (f.kind().equals("partition") || f.kind().equals("slowdown")) b.append("until = ").append(literal(f.until())).append('\n');
            if (f.kind().equals("slowdown")) b.append("factor = ").append(literal(f.factor())).append('\n');
            if (f.joiner() != null) profile(b, f.joiner());
        }
        return b.toString();
    }

    /**
     * The device and link keys shared by [[sim.workers]] and join faults. A step time derived from the
     * device is written with step_time naming its source, so the file reads back as the same worker
     * (and a resolver derives the same time again from the same model).
     */
    private static void profile(StringBuilder b, WorkerEntry w) {
        DeviceEntry d = w.device();
        boolean derived = w.stepTime() != StepTimeSource.SECONDS_PER_STEP;
        if (derived) b.append("step_time = ").append(literal(w.stepTime().label())).append("  # which key decided seconds_per_step\n");
        if (!d.profile().isEmpty()) b.append("device = ").append(literal(d.profile())).append('\n');
        if (!Double.isNaN(d.flops())) b.append("flops = ").append(literal(d.flops())).append('\n');
        if (!Double.isNaN(d.memoryGb())) b.append("memory_gb = ").append(literal(d.memoryGb())).append('\n');
        b.append("seconds_per_step = ").append(literal(w.secondsPerStep()));
        b.append(derived ? "  # derived: the model's training FLOPs per step / sustained FLOP/s (docs/devices.md)\n" : "\n");
        b.append("jitter = ").append(literal(w.jitter())).append('\n');
        b.append("up_mbps = ").append(literal(w.upMbps())).append('\n');
        b.append("down_mbps = ").append(literal(w.downMbps())).append('\n');
        b.append("latency_ms = ").append(literal(w.latencyMs())).append('\n');
        b.append("drop = ").append(literal(w.drop())).append('\n');
        b.append("shard = ").append(w.shard()).append('\n');
    }

    static String literal(Object v) {
        if (v instanceof String s) return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        if (v instanceof Double d) {
            // Always with a decimal point or exponent, so it reads back as a float.
            String t = Double.toString(d);
            return t.toLowerCase(Locale.ROOT);
        }
        return String.valueOf(v);
    }
}
