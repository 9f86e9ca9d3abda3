package org.diloco4j.app.sweep;

import org.diloco4j.app.report.RunData;
import org.diloco4j.app.run.Summary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finished run of a sweep, as its summary.json records it.
 *
 * @param arm       the arm it belongs to
 * @param phase     tuning or reported
 * @param seed      the run's seed
 * @param setting   the grid values it ran with (key → value)
 * @param dir       its run directory
 * @param loss      final held-out loss (on the tuning or the reported held-out set, by phase)
 * @param bpb       final held-out bits per byte (NaN if the run directory does not record it)
 */
public record SweepRun(String arm, Phase phase, long seed, Map<String, Object> setting, Path dir, double loss, double bpb,
                       long tokens, double simulatedSeconds, long bytes, long ddpBytes, double utilization, double wallSeconds) {
    /** Tuning runs choose hyper-parameters on the tuning held-out set; reported runs are scored on the other. */
    public enum Phase {
        TUNE, REPORT;

        public String label() {
            return this == TUNE ? "tune" : "report";
        }
    }

    static SweepRun read(String arm, Phase phase, long seed, Map<String, Object> setting, Path dir) throws IOException {
        Summary s = RunData.readSummary(dir);
        return new SweepRun(arm, phase, seed, setting, dir, s.finalEvalLoss(), s.finalEvalBpb(), s.tokens(), s.simulatedSeconds(),
                s.bytesTotal(), s.ddpBytesEquivalent(), s.computeUtilization(), s.wallSeconds());
    }

    /** "outer.lr=0.35, outer.buffer=8", or "defaults" for an empty setting. */
    static String label(Map<String, Object> setting) {
        if (setting.isEmpty()) return "defaults";
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : setting.entrySet()) {
            if (!b.isEmpty()) b.append(", ");
            b.append(e.getKey()).append('=').append(e.getValue());
        }
        return b.toString();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arm", arm);
        m.put("phase", phase.label());
        m.put("seed", seed);
        m.put("setting", setting);
        m.put("dir", dir.toString());
        m.put("final_eval_loss", loss);
        if (!Double.isNaN(bpb)) m.put("final_eval_bpb", bpb);
        m.put("tokens", tokens);
        m.put("simulated_seconds", simulatedSeconds);
        m.put("bytes", bytes);
        m.put("ddp_bytes_equivalent", ddpBytes);
        m.put("compute_utilization", utilization);
        m.put("wall_seconds", wallSeconds);
        return m;
    }
}
