package org.diloco4j.sim;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The figures of docs/scale.md, for the sizes of {@link ScaleSize#issue14()} on the simulator's
 * device profiles ({@link Accelerator}): bytes per outer step per codec (the codecs' exact
 * {@link Codec#encodedSize}), compute time per outer step, the link each worker needs for 95 %
 * compute utilization ({@link UtilizationTable}'s simulations), the coordinator's memory by issue
 * 14's bound and the NIC it needs, and the effect of splitting it by fragment over k processes
 * (simulated as k times the NIC, {@link CoordinatorNic}).
 * Everything here is arithmetic on the profiles' assumed FLOP/s and simulated timing, not a
 * measurement.
 *
 * <p>Run: {@code scripts/scale-table} (writes docs/bench/scale-table.md).
 */
public final class ScaleTable {
    /** Pseudo-gradients up, θ down (θ never travels in a lossy codec, so at least bf16). */
    public record Wire(String up, String down) {
        String label() {
            return up + " up, " + down + " down";
        }
    }

    /** The codec pairs tabulated. */
    public static final List<Wire> WIRES = List.of(new Wire("fp32", "fp32"), new Wire("bf16", "bf16"), new Wire("int8", "bf16"),
            new Wire("q4", "bf16"));
    /** Inner steps per outer step. */
    public static final int[] INNER_STEPS = {100, 500};
    /** Streaming's fragments and overlap for the overlapped rows (Streaming DiLoCo's P = 10, τ = 5 at H = 100). */
    public static final int FRAGMENTS = 10;
    public static final int OVERLAP = 5;
    /** Compute utilization the link column is for. */
    public static final double TARGET = 0.95;
    /** One-way latency of every link (a wide-area round trip of 100 ms). */
    public static final double LATENCY = 0.05;
    /** Outer rounds simulated per point. */
    public static final int ROUNDS = 4;
    /** Bytes each connected worker may cost the coordinator beside θ and its state (issue 14's bound). */
    public static final long PER_WORKER_BYTES = 64L << 20;

    private final List<ScaleSize> sizes;

    public ScaleTable(List<ScaleSize> sizes) {
        this.sizes = List.copyOf(sizes);
    }

    /** Synchronous DiLoCo: compute H steps, send δ, wait for θ; nothing overlaps. */
    public static UtilizationTable.Setup sync(Wire w, int h) {
        return new UtilizationTable.Setup("DiLoCo H=" + h + ", " + w.label(), Method.DILOCO, h, 1, 0, w.up(), w.down());
    }

    /** Streaming DiLoCo: one of P fragments every H/P steps, computing τ steps while it is in flight. */
    public static UtilizationTable.Setup streaming(Wire w, int h) {
        return new UtilizationTable.Setup("Streaming H=" + h + ", P=" + FRAGMENTS + ", τ=" + OVERLAP + ", " + w.label(), Method.STREAMING, h,
                FRAGMENTS, OVERLAP, w.up(), w.down());
    }

    /** The utilization table of {@code size} on {@code device} (two identical workers: the sync cost does not depend on how many). */
    public static UtilizationTable on(ScaleSize size, Accelerator device) {
        return new UtilizationTable(size.model().params(), size.secondsPerStep(device), 2, LATENCY, ROUNDS);
    }

    /** The same with {@code workers} workers, which matters once they share a coordinator NIC. */
    public static UtilizationTable on(ScaleSize size, Accelerator device, int workers) {
        return new UtilizationTable(size.model().params(), size.secondsPerStep(device), workers, LATENCY, ROUNDS);
    }

    /** Coordinator bytes of θ and the outer state: θ plus {@code stateCopies} more fp32 copies. */
    static double stateBytes(ScaleSize s, int stateCopies) {
        return 4.0 * s.model().params() * (1 + stateCopies);
    }

    /** Issue 14's bound for async Delayed Nesterov: 3.5 × the fp32 model + 64 MiB per connected worker. */
    public static double boundBytes(ScaleSize s, int workers) {
        return 3.5 * 4.0 * s.model().params() + (double) PER_WORKER_BYTES * workers;
    }

    /** Java arrays θ needs at the least: a {@code float[]} holds at most 2^31 − 1 values. */
    public static long arraysNeeded(ScaleSize s) {
        return (s.model().params() + Integer.MAX_VALUE - 1) / Integer.MAX_VALUE;
    }

    /** Every table of docs/bench/scale-table.md, in order. */
    public String markdown() {
        return sizesAndStepTimes() + bytesPerOuterStep() + computePerOuterStep() + linkFor95() + coordinatorMemory() + coordinatorNic()
                + shards(Accelerator.H100, WIRES.get(2));
    }

    private String sizesAndStepTimes() {
        StringBuilder b = new StringBuilder();
        b.append("## Sizes and step times\n\n");
        b.append("Per worker: devices of the profile needed to hold 16 bytes per parameter, and seconds per inner step\n");
        b.append("(training FLOPs per step / their summed sustained FLOP/s).\n\n");
        header(b, "| size | N | shape | FLOPs per token | tokens per step |", "|---|---:|---|---:|---:|", DEVICES);
        for (ScaleSize s : sizes) {
            b.append(String.format(Locale.ROOT, "| %s | %,d | %s | %.3g | %,d |", s.label(), s.model().params(), s.shape(),
                    s.model().flopsPerToken(), s.tokensPerStep()));
            for (Accelerator a : Accelerator.values()) b.append(' ').append(s.devicesPerWorker(a)).append(" × ").append(seconds(s.secondsPerStep(a))).append(" |");
            b.append('\n');
        }
        return b.toString();
    }

    private String bytesPerOuterStep() {
        StringBuilder b = new StringBuilder();
        b.append("\n## Bytes per outer step, per worker\n\n");
        b.append("Each worker sends one pseudo-gradient up and receives θ down per outer step (streaming: the same in\n");
        b.append("P pieces). Exact `encodedSize(long)` of each codec for the whole model. GB = 10^9 bytes.\n\n");
        String[] codecs = {"fp32", "bf16", "int8", "q4", "fp4"};
        header(b, "| size |", "|---|", List.of(codecs));
        for (ScaleSize s : sizes) {
            b.append("| ").append(s.label()).append(" |");
            for (String c : codecs) b.append(' ').append(gb(s.encodedBytes(c))).append(" |");
            b.append('\n');
        }
        return b.toString();
    }

    private String computePerOuterStep() {
        StringBuilder b = new StringBuilder();
        b.append("\n## Compute time per outer step (H × step time)\n\n");
        header(b, "| size | H |", "|---|---:|", DEVICES);
        for (ScaleSize s : sizes) {
            for (int h : INNER_STEPS) {
                b.append("| ").append(s.label()).append(" | ").append(h).append(" |");
                for (Accelerator a : Accelerator.values()) b.append(' ').append(seconds(h * s.secondsPerStep(a))).append(" |");
                b.append('\n');
            }
        }
        return b.toString();
    }

    private String linkFor95() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n## Link for %.0f %% compute utilization (Gbit/s each way, per worker)%n%n", TARGET * 100));
        header(b, "| size | method | codecs |", "|---|---|---|", DEVICES);
        for (ScaleSize s : sizes) {
            for (int h : INNER_STEPS) {
                for (boolean overlapped : new boolean[] {false, true}) {
                    for (Wire w : WIRES) {
                        UtilizationTable.Setup setup = overlapped ? streaming(w, h) : sync(w, h);
                        b.append("| ").append(s.label()).append(" | ")
                                .append(overlapped ? "streaming H=" + h + " P=" + FRAGMENTS + " τ=" + OVERLAP : "DiLoCo H=" + h)
                                .append(" | ").append(w.label()).append(" |");
                        for (Accelerator a : Accelerator.values()) b.append(' ').append(gbps(on(s, a).bandwidthFor(setup, TARGET))).append(" |");
                        b.append('\n');
                    }
                }
            }
        }
        return b.toString();
    }

    /** Worker counts of the coordinator's memory and NIC tables. */
    private static final int[] WORKER_COUNTS = {8, 64};

    private String coordinatorMemory() {
        StringBuilder b = new StringBuilder();
        b.append("\n## Coordinator memory (arithmetic)\n\n");
        b.append("θ plus the outer state in fp32: outer SGD keeps none, Nesterov a momentum, Delayed Nesterov a momentum and\n");
        b.append("an accumulator; a synchronous method adds one weighted sum of the pseudo-gradients. The bound is issue 14's\n");
        b.append("for async Delayed Nesterov: 3.5 × 4 bytes × N + 64 MiB per connected worker. GB = 10^9 bytes.\n\n");
        b.append("Checkpoint: θ + DN state (12 bytes per parameter) written at the speeds measured here (docs/bench/checkpoint.md):\n");
        b.append("176 and 375 MB/s (slowest and fastest 8 GB write, machine shared), 2.0 GB/s (`dd`, alone).\n\n");
        b.append("| size | θ (async SGD) | θ + 2 copies (sync Nesterov + sum; async DN) | bound, 8 workers | bound, 64 workers | float[] arrays for θ"
                + " | checkpoint at 176 MB/s | at 375 MB/s | at 2.0 GB/s |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ScaleSize s : sizes) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d |", s.label(), gb(stateBytes(s, 0)), gb(stateBytes(s, 2)),
                    gb(boundBytes(s, WORKER_COUNTS[0])), gb(boundBytes(s, WORKER_COUNTS[1])), arraysNeeded(s)));
            for (double speed : DISK_BYTES_PER_SECOND) b.append(' ').append(seconds(stateBytes(s, 2) / speed)).append(" |");
            b.append('\n');
        }
        return b.toString();
    }

    private String coordinatorNic() {
        StringBuilder b = new StringBuilder();
        Wire wire = WIRES.get(2);
        Accelerator h100 = Accelerator.H100;
        b.append("\n## Coordinator NIC, H100 workers, ").append(wire.label()).append(", synchronous DiLoCo\n\n");
        b.append("Average: W workers' bytes of one outer step over its compute time. Burst: a synchronous outer step has every\n");
        b.append(String.format(Locale.ROOT, "worker transfer at once, so for each to see the %.0f %% link the coordinator needs W times it, each way.%n%n",
                TARGET * 100));
        b.append("| size | H | W | average in | average out | NIC for 95 % (each way) |\n|---|---:|---:|---:|---:|---:|\n");
        for (ScaleSize s : sizes) {
            for (int h : INNER_STEPS) {
                double outer = h * s.secondsPerStep(h100);
                long up = s.encodedBytes(wire.up());
                long down = s.encodedBytes(wire.down());
                double need = on(s, h100).bandwidthFor(sync(wire, h), TARGET);
                for (int w : WORKER_COUNTS) {
                    b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s |%n", s.label(), h, w, gbps(w * up * 8 / outer / 1e9),
                            gbps(w * down * 8 / outer / 1e9), gbps(w * need)));
                }
            }
        }
        return b.toString();
    }

    /** Worker links and per-process coordinator NIC of the split-by-fragment rows. */
    public static final double SHARD_WORKER_GBPS = 10;
    public static final double SHARD_NIC_GBPS = 25;
    public static final int SHARD_WORKERS = 64;
    /**
     * Checkpoint write speeds measured here (docs/bench/checkpoint.md): the slowest and fastest of
     * three 8 GB writes on the shared machine, and a 1 GiB {@code dd} with fdatasync run alone.
     */
    static final double[] DISK_BYTES_PER_SECOND = {176e6, 375e6, 2.0e9};

    private String shards(Accelerator device, Wire wire) {
        int[] ks = {1, 2, 4, 8, 16};
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n## Coordinator split by fragment over k processes (simulated)%n%n"
                + "%d %s workers, %s, each on a %.0f Gbit/s link; each coordinator process has a %.0f Gbit/s NIC and owns%n"
                + "1/k of every fragment, so every transfer is spread over all k NICs: simulated as one coordinator NIC of%n"
                + "k × %.0f Gbit/s that all workers' transfers queue for (sim/CoordinatorNic). Compute utilization.%n%n",
                SHARD_WORKERS, device.label(), wire.label(), SHARD_WORKER_GBPS, SHARD_NIC_GBPS, SHARD_NIC_GBPS));
        header(b, "| size | method |", "|---|---|", shardColumns(ks));
        for (ScaleSize s : sizes) {
            UtilizationTable t = on(s, device, SHARD_WORKERS);
            for (int h : INNER_STEPS) {
                for (UtilizationTable.Setup setup : List.of(sync(wire, h), streaming(wire, h))) {
                    b.append("| ").append(s.label()).append(" | ").append(setup.method() == Method.DILOCO ? "DiLoCo" : "streaming P=" + FRAGMENTS
                            + " τ=" + OVERLAP).append(" H=").append(h).append(" |");
                    for (int k : ks) {
                        b.append(String.format(Locale.ROOT, " %.1f %% |",
                                100 * t.utilization(setup, SHARD_WORKER_GBPS, k * SHARD_NIC_GBPS)));
                    }
                    b.append('\n');
                }
            }
        }
        b.append(String.format(Locale.ROOT, "%nPer process with k processes: issue 14's bound for 1/k of θ and its Delayed Nesterov state, each process%n"
                + "still allowing 64 MiB for each of the %d workers (all of them talk to every process); and writing its share%n"
                + "of a checkpoint (θ + DN state, 12 bytes per parameter) to its own disk at 375 MB/s (the fastest write%n"
                + "measured here, docs/bench/checkpoint.md). GB = 10^9 bytes.%n%n", SHARD_WORKERS));
        header(b, "| size |", "|---|", shardColumns(ks));
        for (ScaleSize s : sizes) {
            b.append("| ").append(s.label()).append(" |");
            for (int k : ks) {
                double memory = (boundBytes(s, SHARD_WORKERS) - (double) PER_WORKER_BYTES * SHARD_WORKERS) / k + (double) PER_WORKER_BYTES * SHARD_WORKERS;
                b.append(' ').append(gb(memory)).append(" GB, ").append(seconds(stateBytes(s, 2) / k / DISK_BYTES_PER_SECOND[1])).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static final List<String> DEVICES = Accelerator.labels();

    /** A table's header: the leading cells, one right-aligned column per name, and the alignment row. */
    private static void header(StringBuilder b, String leading, String leadingAlignment, List<String> columns) {
        b.append(leading);
        for (String c : columns) b.append(' ').append(c).append(" |");
        b.append('\n').append(leadingAlignment).append("---:|".repeat(columns.size())).append('\n');
    }

    private static List<String> shardColumns(int[] ks) {
        return java.util.Arrays.stream(ks).mapToObj(k -> "k = " + k).toList();
    }

    static String seconds(double s) {
        if (s >= 3600) return String.format(Locale.ROOT, "%.1f h", s / 3600);
        if (s >= 600) return String.format(Locale.ROOT, "%.0f min", s / 60);
        if (s >= 100) return String.format(Locale.ROOT, "%.0f s", s);
        if (s >= 10) return String.format(Locale.ROOT, "%.1f s", s);
        if (s >= 1) return String.format(Locale.ROOT, "%.2f s", s);
        return String.format(Locale.ROOT, "%.0f ms", s * 1000);
    }

    static String gb(double bytes) {
        double g = bytes / 1e9;
        if (g >= 100) return String.format(Locale.ROOT, "%.0f", g);
        if (g >= 10) return String.format(Locale.ROOT, "%.1f", g);
        return String.format(Locale.ROOT, "%.3f", g);
    }

    /** Gbit/s as UtilizationTable prints them, with three significant digits below 0.01 (a CPU server's Mbit/s). */
    static String gbps(double g) {
        if (Double.isNaN(g)) return "> 100000";
        return g < 0.01 ? String.format(Locale.ROOT, "%.3g", g) : UtilizationTable.format(g);
    }

    /** The 1-minute load average, or "unknown" where /proc/loadavg is not there to read. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/bench/scale-table.md");
        long started = System.nanoTime();
        String tables = new ScaleTable(ScaleSize.issue14()).markdown();
        double wall = (System.nanoTime() - started) / 1e9;
        double cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
        String doc = "# Scale table: 124M to 70B parameters\n\n"
                + "Generated by `scripts/scale-table` (sim/ScaleTable) at " + Instant.now().truncatedTo(ChronoUnit.MINUTES)
                + String.format(Locale.ROOT, " in %.1f s wall, %.1f CPU-seconds (main thread) on a shared machine (%d CPUs, load average %s).%n",
                        wall, cpu, Runtime.getRuntime().availableProcessors(), loadAverage())
                + "**Nothing here is measured**: step times are the device profiles' datasheet peaks × an assumed 40 % MFU\n"
                + "(docs/devices.md), byte counts the codecs' exact encoded sizes, link speeds the simulator's timing-only runs\n"
                + String.format(Locale.ROOT, "(%d rounds per point, %.0f ms one-way latency, bisection to 1 %%). ", ROUNDS, LATENCY * 1000)
                + "Read docs/scale.md for what the columns mean.\n\n"
                + tables;
        Files.createDirectories(out.toAbsolutePath().getParent());
        AtomicFiles.write(out, doc.getBytes(StandardCharsets.UTF_8));
        System.out.print(doc);
    }
}
