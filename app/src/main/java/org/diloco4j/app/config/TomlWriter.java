package org.diloco4j.app.config;

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

    /** The device and link keys shared by [[sim.workers]] and join faults. */
    private static void profile(StringBuilder b, WorkerEntry w) {
        b.append("seconds_per_step = ").append(literal(w.secondsPerStep())).append('\n');
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
