package org.diloco4j.net.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The push path's and the pull path's CPU from {@link CoordinatorThroughputBench} result files of
 * the same size run with load workers that pull θ for every push ("mixed") and that pull it once
 * and then only push ("push-only", {@code --pull-every 0}): coordinator CPU-seconds per GB ingested by
 * thread group, one column per file; then, for each mixed run, what serving its pulls cost per GB
 * pulled, by thread group: its CPU-seconds less the push path's at its own volume (the push-only
 * runs' median CPU-s per GB ingested of the same size, times what the mixed run ingested), over the
 * bytes of θ its pulls took off the wire. {@code scripts/bench-push-path} writes the files and prints these tables;
 * {@code scripts/bench-push-path table A.json … --vs B.json …} compares two sets of runs (before and after a change) instead.
 */
public final class PushPathTable {
    /** A thread group's label and the JSON field of its CPU-seconds in the window. */
    private record Group(String label, String field) {
    }

    private static final List<Group> GROUPS = List.of(new Group("event loop", "cpu_seconds_event_loop"),
            new Group("ingest pool (checks + apply)", "cpu_seconds_ingest_pool"),
            new Group("gRPC executor (parse, reassemble, spool)", "cpu_seconds_grpc_executor"),
            new Group("Netty (socket, HTTP/2)", "cpu_seconds_netty"), new Group("GC and JIT", "cpu_seconds_jvm"),
            new Group("other Java threads", "cpu_seconds_other"), new Group("**whole coordinator**", "coordinator_cpu_seconds"));

    private PushPathTable() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("bench-push-path table: give result files (.json) of bench-coordinator runs with and without --pull-every 0");
            System.exit(2);
        }
        int vs = java.util.Arrays.asList(args).indexOf("--vs");
        if (vs >= 0) {
            System.out.print(compare(read(java.util.Arrays.copyOfRange(args, 0, vs)), read(java.util.Arrays.copyOfRange(args, vs + 1, args.length))));
            return;
        }
        List<JsonNode> runs = read(args);
        System.out.print(perGbIngested(args, runs));
        System.out.println();
        System.out.print(pullPerGbSent(args, runs));
    }

    private static List<JsonNode> read(String[] files) throws java.io.IOException {
        List<JsonNode> runs = new ArrayList<>();
        for (String a : files) runs.add(BenchJson.read(Path.of(a)));
        return runs;
    }

    /**
     * Two sets of runs (before {@code --vs} after) side by side: per size, load pattern and thread group, CPU-s per GB
     * ingested as min – median – max over each set's runs, and the change of the medians.
     */
    static String compare(List<JsonNode> before, List<JsonNode> after) {
        StringBuilder b = new StringBuilder("| parameters × workers | pulls θ | CPU-s per GB ingested | before: min – median – max (runs) | after: min – median – max (runs) | median after − before |\n");
        b.append("|---|---|---|---:|---:|---:|\n");
        java.util.Set<String> sizes = new java.util.LinkedHashSet<>();
        for (JsonNode r : before) sizes.add(String.format(Locale.ROOT, "%,d × %d", r.path("params").asLong(), r.path("workers").asInt()));
        for (String size : sizes) {
            for (boolean push : new boolean[] {true, false}) {
                List<JsonNode> x = like(before, size, push);
                List<JsonNode> y = like(after, size, push);
                if (x.isEmpty() || y.isEmpty()) continue;
                for (Group g : GROUPS) {
                    double[] bx = perGb(x, g);
                    double[] by = perGb(y, g);
                    b.append("| ").append(size).append(" | ").append(push ? "first only (push-only)" : "every order (mixed)").append(" | ").append(g.label())
                            .append(" | ").append(spread(bx)).append(" | ").append(spread(by)).append(" | ")
                            .append(String.format(Locale.ROOT, "%+.2f", median(by) - median(bx))).append(" |\n");
                }
            }
        }
        return b.toString();
    }

    private static List<JsonNode> like(List<JsonNode> runs, String size, boolean push) {
        return runs.stream().filter(r -> pushOnly(r) == push && "ok".equals(r.path("outcome").asText())
                && String.format(Locale.ROOT, "%,d × %d", r.path("params").asLong(), r.path("workers").asInt()).equals(size)).toList();
    }

    private static double[] perGb(List<JsonNode> runs, Group g) {
        return runs.stream().mapToDouble(r -> r.path(g.field()).asDouble() / r.path("ingested_gb").asDouble()).toArray();
    }

    private static String spread(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return fmt(s[0]) + " – " + fmt(median(s)) + " – " + fmt(s[s.length - 1]) + " (" + s.length + ")";
    }

    static boolean pushOnly(JsonNode run) {
        return run.path("pulls").asText("every order").equals("first only");
    }

    /** Per file: the run's set-up and load, and CPU-seconds per GB ingested by group. */
    static String perGbIngested(String[] names, List<JsonNode> runs) {
        StringBuilder b = header("CPU-s per GB ingested", names);
        row(b, "parameters × workers", runs, r -> String.format(Locale.ROOT, "%,d × %d", r.path("params").asLong(), r.path("workers").asInt()));
        row(b, "pulls θ", runs, r -> pushOnly(r) ? "first only (push-only)" : r.path("pulls").asText("every order") + " (mixed)");
        row(b, "date (UTC)", runs, r -> r.path("date").asText("—"));
        row(b, "load average, window start → end", runs,
                r -> fmt(r.path("load_average_window_start").asDouble()) + " → " + fmt(r.path("load_average_window_end").asDouble()));
        row(b, "other processes' CPU-s / machine's", runs,
                r -> fmt(r.path("other_cpu_seconds").asDouble()) + " / " + fmt(r.path("machine_cpu_seconds_available").asDouble()));
        row(b, "ingested (MB/s) / θ pulled (MB/s)", runs,
                r -> fmt(r.path("ingested_mb_per_second").asDouble()) + " / " + fmt(r.path("pulled_mb_per_second").asDouble()));
        row(b, "coordinator CPU-s in the window", runs, r -> fmt(r.path("coordinator_cpu_seconds").asDouble()));
        for (Group g : GROUPS) row(b, g.label(), runs, r -> fmt(r.path(g.field()).asDouble() / r.path("ingested_gb").asDouble()));
        row(b, "GB ingested per coordinator CPU-s", runs, r -> fmt(r.path("gb_per_coordinator_cpu_second").asDouble()));
        return b.toString();
    }

    /** Per mixed file: pull serving's CPU-seconds per GB pulled by group, against the push-only runs of its size. */
    static String pullPerGbSent(String[] names, List<JsonNode> runs) {
        List<String> mixedNames = new ArrayList<>();
        List<JsonNode> mixed = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            if (!pushOnly(runs.get(i))) {
                mixedNames.add(names[i]);
                mixed.add(runs.get(i));
            }
        }
        StringBuilder b = header("pull serving: CPU-s per GB of θ pulled", mixedNames.toArray(String[]::new));
        row(b, "θ pulled (GB) / ingested (GB)", mixed, r -> fmt(r.path("pulled_gb").asDouble()) + " / " + fmt(r.path("ingested_gb").asDouble()));
        row(b, "push-only runs of its size", mixed, r -> Integer.toString(pushRuns(runs, r).size()));
        for (Group g : GROUPS) {
            row(b, g.label(), mixed, r -> {
                List<JsonNode> push = pushRuns(runs, r);
                if (push.isEmpty()) return "—";
                double perGb = median(push.stream().mapToDouble(p -> p.path(g.field()).asDouble() / p.path("ingested_gb").asDouble()).toArray());
                return fmt((r.path(g.field()).asDouble() - perGb * r.path("ingested_gb").asDouble()) / r.path("pulled_gb").asDouble());
            });
        }
        return b.toString();
    }

    private static List<JsonNode> pushRuns(List<JsonNode> runs, JsonNode like) {
        return runs.stream().filter(r -> pushOnly(r) && r.path("params").asLong() == like.path("params").asLong()
                && r.path("workers").asInt() == like.path("workers").asInt()).toList();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static StringBuilder header(String corner, String[] names) {
        StringBuilder b = new StringBuilder("| ").append(corner).append(" |");
        for (String n : names) b.append(' ').append(Path.of(n).getFileName()).append(" |");
        return b.append("\n|---|").append("---:|".repeat(names.length)).append('\n');
    }

    private static void row(StringBuilder b, String label, List<JsonNode> runs, java.util.function.Function<JsonNode, String> cell) {
        b.append("| ").append(label).append(" |");
        for (JsonNode r : runs) b.append(' ').append(cell.apply(r)).append(" |");
        b.append('\n');
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "—";
    }
}
