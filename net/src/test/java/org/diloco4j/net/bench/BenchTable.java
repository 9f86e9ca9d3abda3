package org.diloco4j.net.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A markdown table of {@link CoordinatorThroughputBench} result files, one column per file, for
 * docs/bench/coordinator-*.md: {@code scripts/bench-coordinator table A.json B.json}. Figures a run
 * did not reach (it failed before) are shown as "—".
 */
public final class BenchTable {
    /** Row label and the JSON field it shows. */
    private record Row(String label, String field) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("date (UTC)", "date"), new Row("build (git describe; older files: —)", "commit"), new Row("workers", "workers"), new Row("parameters", "params"),
            new Row("codec up / down", "codec_up"), new Row("coordinator max heap (MB)", "max_heap_mb"),
            new Row("θ snapshots kept in", "snapshot_place"),
            new Row("outcome", "outcome"),
            new Row("measured (s)", "measured_seconds"), new Row("pseudo-gradients applied / s", "applied_per_second"),
            new Row("share applied in passes of two or three pushes", "paired_share"),
            new Row("pushes per shared pass", "pushes_per_shared_pass"),
            new Row("push answered after its last byte, s: median", "push_answer_seconds_p50"),
            new Row("… 90th percentile", "push_answer_seconds_p90"), new Row("… slowest", "push_answer_seconds_max"),
            new Row("ingested (MB/s)", "ingested_mb_per_second"), new Row("θ named by train orders (ledger, MB/s)", "sent_mb_per_second"),
            // What pulls really moved: with --pull-every first the orders still name θ but nobody pulls it.
            new Row("θ pulled on the wire (MB/s)", "pulled_mb_per_second"),
            new Row("coordinator CPU-s in the window", "coordinator_cpu_seconds"),
            new Row("coordinator cores busy", "coordinator_cores_busy"),
            new Row("coordinator CPU-s per GB ingested", "coordinator_cpu_seconds_per_gb"),
            new Row("GB ingested per coordinator CPU-s", "gb_per_coordinator_cpu_second"),
            new Row("… CPU-s per GB: event loop", "cpu_seconds_per_gb_event_loop"),
            new Row("… CPU-s per GB: ingest pool", "cpu_seconds_per_gb_ingest_pool"),
            new Row("… CPU-s per GB: gRPC / Netty", "cpu_seconds_per_gb_grpc"),
            new Row("… CPU-s per GB: checkpoint", "cpu_seconds_per_gb_checkpoint"),
            new Row("… CPU-s per GB: other Java threads", "cpu_seconds_per_gb_other"),
            new Row("… CPU-s per GB: GC and JIT", "cpu_seconds_per_gb_jvm"),
            new Row("load JVM CPU-s", "load_cpu_seconds"), new Row("other processes' CPU-s", "other_cpu_seconds"),
            new Row("machine CPU-s available", "machine_cpu_seconds_available"),
            new Row("load average, window start", "load_average_window_start"), new Row("load average, window end", "load_average_window_end"),
            new Row("peak heap used (MB)", "peak_heap_mb"), new Row("peak heap after GC (MB)", "peak_heap_after_gc_mb"),
            new Row("peak heap after GC in the window (MB)", "window_peak_heap_after_gc_mb"),
            new Row("live heap at window end (MB, full GC)", "live_heap_at_window_end_mb"),
            new Row("heap at window end, garbage included (MB)", "heap_all_at_window_end_mb"),
            new Row("peak RSS (MB)", "peak_rss_mb"), new Row("issue 14's bound on RSS (MB)", "memory_bound_mb"),
            new Row("peak RSS over the bound (MB)", "peak_rss_over_bound_mb"),
            new Row("native memory committed at window end (MB, NMT)", "native_committed_mb"),
            new Row("… of which outside the Java heap (MB)", "native_committed_outside_heap_mb"),
            new Row("GC time (s)", "gc_seconds"),
            new Row("checkpoint write (s)", "checkpoint_write_seconds"), new Row("checkpoint read (s)", "checkpoint_read_seconds"),
            new Row("checkpoint file (MB)", "checkpoint_file_mb"),
            new Row("largest classes at window end", "heap_histogram_top"),
            new Row("largest classes at window end, garbage included", "heap_histogram_all_top"));

    private BenchTable() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("bench-coordinator table: give one or more result files (.json)");
            System.exit(2);
        }
        List<JsonNode> runs = new ArrayList<>();
        for (String a : args) runs.add(BenchJson.read(Path.of(a)));
        System.out.print(table(args, runs));
    }

    static String table(String[] names, List<JsonNode> runs) {
        StringBuilder b = new StringBuilder("| |");
        for (String n : names) b.append(' ').append(Path.of(n).getFileName()).append(" |");
        b.append("\n|---|");
        b.append("---|".repeat(names.length)).append('\n');
        for (Row r : ROWS) {
            b.append("| ").append(r.label()).append(" |");
            for (JsonNode run : runs) b.append(' ').append(cell(run, r)).append(" |");
            b.append('\n');
        }
        return b.toString();
    }

    private static String cell(JsonNode run, Row r) {
        if (r.field().equals("codec_up")) return run.path("codec_up").asText("—") + " / " + run.path("codec_down").asText("—");
        JsonNode v = run.get(r.field());
        if (v == null || v.isNull()) return "—";
        return v.isTextual() ? v.asText().replace("|", "\\|") : v.isIntegralNumber() ? String.format(java.util.Locale.ROOT, "%,d", v.asLong())
                : v.asText();
    }
}
