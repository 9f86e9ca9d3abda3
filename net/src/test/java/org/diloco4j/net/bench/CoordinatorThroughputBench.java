package org.diloco4j.net.bench;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.coord.AdmissionLimits;
import org.diloco4j.net.coord.CoordinatorRuntime;
import org.diloco4j.net.coord.CoordinatorServer;
import org.diloco4j.net.coord.ThetaForm;
import org.diloco4j.net.coord.FileCheckpointStore;
import org.diloco4j.net.coord.MemoryBound;
import org.diloco4j.net.coord.RuntimeListener;
import org.diloco4j.net.coord.RuntimeOptions;
import org.diloco4j.net.coord.SnapshotPlace;
import org.diloco4j.net.wire.RunDefinition;

import java.io.File;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Coordinator throughput over loopback: a real coordinator runtime and gRPC server in this JVM
 * (asynchronous DiLoCo with Delayed Nesterov, every pseudo-gradient applied on arrival), N workers
 * in a second JVM that only pull θ and push a pre-encoded pseudo-gradient (see {@link BenchWorkers}).
 * Measures, over a window after a warm-up: pseudo-gradients applied per second, bytes ingested per
 * second, the CPU-seconds this JVM spent per GB ingested (all its threads: event loop, gRPC, GC, JIT),
 * the load JVM's and the rest of the machine's CPU-seconds (they share the cores), peak heap, live
 * heap and resident set. With {@code --checkpoint DIR} the coordinator's final checkpoint is written
 * there and read back, both timed. A run that fails (out of memory, nothing applied in time) still
 * writes its result, with {@code outcome} saying what happened and the figures gathered until then.
 *
 * <p>Usage: {@code CoordinatorThroughputBench [--workers 16] [--params 25000000] [--codec int8] [--down bf16]
 * [--seconds 60] [--warmup 20] [--chunk-kib 1024] [--first-timeout 600] [--load-heap 3g] [--checkpoint DIR]
 * [--snapshots auto|heap|file] [--pull-every 1] [--out FILE.json]}; run by scripts/bench-coordinator. The peak resident set is
 * reported against issue 14's bound ({@code memory_bound_mb}); with {@code -XX:NativeMemoryTracking=summary} the native memory by
 * category too. {@code --pull-every 0} (or {@code first}): the load workers pull θ once and then only push, so the window's CPU is
 * the push path's ({@link PullRate}).
 */
public final class CoordinatorThroughputBench {
    private static final Map<String, String> DEFAULTS = Map.ofEntries(Map.entry("--workers", "16"), Map.entry("--params", "25000000"),
            Map.entry("--codec", "int8"), Map.entry("--down", "bf16"), Map.entry("--seconds", "60"), Map.entry("--warmup", "20"),
            Map.entry("--chunk-kib", "1024"), Map.entry("--first-timeout", "600"), Map.entry("--load-heap", "3g"), Map.entry("--checkpoint", ""),
            Map.entry("--snapshots", "auto"));
    /** Issue 14's bound on the coordinator's memory: 3.5 × 4 bytes per parameter, and this much per connected worker. */
    static final long BOUND_PER_WORKER = 64L << 20;

    private CoordinatorThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(DEFAULTS);
        a.put("--out", "");
        a.put("--pull-every", "1");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!a.containsKey(args[i])) {
                System.err.println("bench-coordinator: unknown option " + args[i] + "; known: " + a.keySet());
                System.exit(2);
            }
            a.put(args[i], args[i + 1]);
        }
        long p = Long.parseLong(a.get("--params"));
        if (p < 1 || p > Integer.MAX_VALUE - 8) {
            System.err.println("bench-coordinator: --params " + p + ": the coordinator holds θ in one Java array, so 1 to " + (Integer.MAX_VALUE - 8));
            System.exit(2);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        res.put("command", "scripts/bench-coordinator " + String.join(" ", args).replaceAll("--out \\S+ ?", "").strip());
        // The build measured (the script passes git's description of its checkout), so A/B files name their code.
        res.put("commit", System.getProperty("bench.commit", "unknown"));
        int workers = Integer.parseInt(a.get("--workers"));
        int params = (int) p;
        res.put("workers", workers);
        res.put("params", params);
        res.put("codec_up", a.get("--codec"));
        res.put("codec_down", a.get("--down"));
        res.put("theta_snapshots", a.get("--snapshots"));
        res.put("memory_bound_mb", (14L * params + workers * BOUND_PER_WORKER) / 1e6);
        res.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1e6);
        res.put("cpus", Runtime.getRuntime().availableProcessors());
        res.put("cpu", cpuModel());
        res.put("jdk", Runtime.version().toString());
        res.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        MemorySampler memory = MemorySampler.start();
        String outcome = "ok";
        long begun = System.nanoTime();
        try {
            run(a, workers, params, res);
        } catch (Throwable t) {
            outcome = "failed while " + res.get("phase") + ": " + t + where(t);
            System.err.println("bench-coordinator: " + outcome);
        } finally {
            res.remove("phase");
            // A run that failed after saving leaves a checkpoint of GBs: gone, like the one read back.
            if (!a.get("--checkpoint").isEmpty()) Files.deleteIfExists(new FileCheckpointStore(Path.of(a.get("--checkpoint"))).file());
            res.put("outcome", outcome);
            res.put("seconds_total", (System.nanoTime() - begun) / 1e9);
            res.put("peak_heap_mb", memory.peakHeapBytes() / 1e6);
            res.put("peak_heap_after_gc_mb", memory.peakLiveBytes() / 1e6);
            res.put("peak_rss_mb", MemorySampler.highWaterRssBytes() / 1e6);
            res.put("peak_rss_over_bound_mb", (MemorySampler.highWaterRssBytes() - (14L * params + workers * BOUND_PER_WORKER)) / 1e6);
            res.put("load_average_at_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            memory.close();
            System.out.println(BenchJson.format(res));
            if (!a.get("--out").isEmpty()) BenchJson.write(Path.of(a.get("--out")), res);
        }
        System.exit(outcome.equals("ok") ? 0 : 1);
    }

    private static void run(Map<String, String> a, int workers, int params, Map<String, Object> res) throws Exception {
        Path ckptDir = a.get("--checkpoint").isEmpty() ? null : Path.of(a.get("--checkpoint"));
        TimedStore store = ckptDir == null ? null : new TimedStore(new FileCheckpointStore(ckptDir));
        // The runtime lives in its own frame, so no local of an ended block keeps θ and the optimizer's
        // state alive during the read below. At 1B that was not enough (coordinator-1b.md): a gRPC transport's
        // shutdown timer still held the closed runtime, Jackson's serializer cache the checkpoint's arrays, and
        // a runtime thread still ending the loop; all let go of since (coordinator-250m-readback.md).
        measure(a, workers, params, res, store);
        res.put("phase", "reading the checkpoint back");
        if (store != null) readBack(store, new FileCheckpointStore(ckptDir), res);
    }

    private static void measure(Map<String, String> a, int workers, int params, Map<String, Object> res, TimedStore store) throws Exception {
        double seconds = Double.parseDouble(a.get("--seconds"));
        double warmup = Double.parseDouble(a.get("--warmup"));
        int chunk = Integer.parseInt(a.get("--chunk-kib")) * 1024;
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(10).dylu(true).minWorkers(workers)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, workers, 0)).upCodec(a.get("--codec")).downCodec(a.get("--down"))
                .build();
        RunDefinition run = RunDefinition.of("# coordinator throughput benchmark\n", cc, FragmentPlan.whole(params), chunk);
        res.put("chunk_bytes", chunk);
        res.put("delta_bytes", run.deltaBytes(0));
        // Bench workers send no heartbeats: a long session timeout keeps them in. Admitting just the bench's workers makes the
        // coordinator's memory bound (MemoryBound: a chunk of each upload in flight per admitted worker) the one the heap is sized for.
        RuntimeOptions opts = RuntimeOptions.defaults().withHeartbeat(5, 3600).withChunkBytes(chunk).withCheckpoints(0, 0)
                .withAdmission(new AdmissionLimits(workers, 0, 0)).withThetaSnapshots(SnapshotPlace.parse(a.get("--snapshots")));
        res.put("snapshot_place", MemoryBound.of(run, cc, opts, Runtime.getRuntime().maxMemory()).place().id());
        CountDownLatch firstApplied = new CountDownLatch(1);
        res.put("phase", "building the coordinator (θ₀ and the outer optimizer's state)");
        long t0 = System.nanoTime();
        // θ₀ in the form the network runtime's job holds θ in (ThetaForm): past 2^29 values in 2^26 chunks, made chunk by
        // chunk (never as one array: at 1B a transient one would not fit the bound), else one array.
        Fp32Vector theta0 = params <= ThetaForm.ONE_ARRAY_MAX ? Fp32Vector.wrap(Tiled.floats(params, 0.02, 1, Tiled.PERIOD))
                : Tiled.vector(params, 0.02, 1, Tiled.PERIOD, Fp32Vector.DEFAULT_SHIFT);
        Coordinator coordinator = Coordinator.adopting(cc, run.plan(), theta0, m -> { });
        theta0 = null; // the coordinator's now
        res.put("start_seconds", (System.nanoTime() - t0) / 1e9);
        Token token = Token.random();
        res.put("phase", "starting the runtime and server");
        AnswerTimes answers = new AnswerTimes();
        try (CoordinatorRuntime rt = CoordinatorRuntime.start(run, coordinator, opts, null, listener(firstApplied), store, answers);
             CoordinatorServer server = CoordinatorServer.start(rt, token, new CoordinatorServer.Listen("127.0.0.1", 0, null, null))) {
            coordinator = null; // the runtime has it; the checkpoint read below needs the heap back once the runtime is closed
            res.put("phase", "waiting for the first applied pseudo-gradient");
            PullRate pulls = PullRate.parse(a.get("--pull-every"));
            res.put("pulls", pulls.label());
            Process load = startWorkers(server.port(), workers, params, a.get("--codec"), chunk, token, a.get("--load-heap"), pulls);
            try {
                long s0 = System.nanoTime();
                waitUntil(() -> firstApplied.getCount() == 0, Double.parseDouble(a.get("--first-timeout")), load);
                res.put("first_applied_seconds", (System.nanoTime() - s0) / 1e9);
                double start = rt.now();
                res.put("phase", "warming up");
                Thread.sleep((long) (warmup * 1000));
                long[] w0 = snapshot(rt);
                CpuClocks c0 = CpuClocks.now(load.toHandle());
                ThreadCpu threads0 = ThreadCpu.now();
                MemorySampler windowMemory = MemorySampler.start();
                double tw0 = rt.now();
                answers.open();
                res.put("phase", "measuring");
                Thread.sleep((long) (seconds * 1000));
                answers.close();
                long[] w1 = snapshot(rt);
                CpuClocks c1 = CpuClocks.now(load.toHandle());
                ThreadCpu threads1 = ThreadCpu.now();
                windowMemory.close();
                // The whole run's peak also covers start-up and warm-up; the window's is the steady state's.
                res.put("window_peak_heap_after_gc_mb", windowMemory.peakLiveBytes() / 1e6);
                double tw1 = rt.now();
                CpuClocks.Spent spent = c1.since(c0);
                window(res, tw0 - start, tw1 - tw0, w0, w1, spent, c0, c1);
                answers.put(res);
                threads(res, threads1.since(threads0, spent.self()), (w1[1] - w0[1]) / 1e9);
                transport(res, threads1.transport(threads0), (w1[1] - w0[1]) / 1e9, (w1[4] - w0[4]) / 1e9, tw1 - tw0);
                res.put("phase", "taking the class histogram");
                nativeMemory(res);
                // Everything the heap holds, garbage included, then (a full collection) what is live: the difference is the garbage.
                HeapHistogram all = HeapHistogram.take(8, true);
                res.put("heap_all_at_window_end_mb", all.liveBytes() / 1e6);
                res.put("heap_histogram_all_top", all.summary());
                // After the window's figures: the histogram's full collection must not count in them.
                HeapHistogram h = HeapHistogram.take(8);
                res.put("live_heap_at_window_end_mb", h.liveBytes() / 1e6);
                res.put("heap_histogram_top", h.summary());
                res.put("phase", "stopping (and writing the final checkpoint)");
                long st0 = System.nanoTime();
                try {
                    rt.stop("benchmark over").get(Math.max(60, params / 5_000_000), TimeUnit.SECONDS);
                } finally {
                    // Recorded even if stopping failed after the checkpoint was saved.
                    res.put("stop_seconds", (System.nanoTime() - st0) / 1e9);
                    if (store != null) {
                        res.put("checkpoint_write_seconds", store.lastSaveSeconds());
                        res.put("checkpoint_saves", store.saves());
                    }
                }
            } finally {
                load.destroyForcibly();
                load.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The window's figures: rates, and where the CPU went. */
    private static void window(Map<String, Object> res, double warmup, double dt, long[] w0, long[] w1, CpuClocks.Spent cpu, CpuClocks c0, CpuClocks c1) {
        double ingestedGb = (w1[1] - w0[1]) / 1e9;
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += gc.getCollectionCount();
            gcMillis += gc.getCollectionTime();
        }
        res.put("warmup_seconds", warmup);
        res.put("measured_seconds", dt);
        res.put("applied", w1[0] - w0[0]);
        res.put("applied_per_second", (w1[0] - w0[0]) / dt);
        // The share of the window's pushes applied in passes of two or three (counted when the pass runs: about ±2 pushes at the window's ends).
        res.put("paired_share", w1[0] == w0[0] ? 0.0 : (double) (w1[6] - w0[6]) / (w1[0] - w0[0]));
        // Of those passes, how many pushes each applied on average (2: pairs only, 3: triples only).
        res.put("pushes_per_shared_pass", w1[5] == w0[5] ? 0.0 : (double) (w1[6] - w0[6]) / (w1[5] - w0[5]));
        res.put("ingested_gb", ingestedGb);
        res.put("ingested_mb_per_second", ingestedGb * 1e3 / dt);
        res.put("wire_in_mb_per_second", (w1[2] - w0[2]) / dt / 1e6);
        res.put("sent_mb_per_second", (w1[3] - w0[3]) / dt / 1e6);
        res.put("coordinator_cpu_seconds", cpu.self());
        res.put("coordinator_cores_busy", cpu.self() / dt);
        res.put("coordinator_cpu_seconds_per_gb", cpu.self() / ingestedGb);
        res.put("gb_per_coordinator_cpu_second", ingestedGb / cpu.self());
        res.put("load_cpu_seconds", cpu.load());
        res.put("other_cpu_seconds", cpu.others());
        res.put("machine_busy_cpu_seconds", cpu.machine());
        res.put("machine_cpu_seconds_available", dt * Runtime.getRuntime().availableProcessors());
        res.put("load_average_window_start", c0.loadAverage());
        res.put("load_average_window_end", c1.loadAverage());
        res.put("rss_at_window_end_mb", MemorySampler.rssBytes() / 1e6);
        res.put("gc_collections", gcCount);
        res.put("gc_seconds", gcMillis / 1000.0);
    }

    /** Native memory by category at the window's end (with -XX:NativeMemoryTracking=summary), as "category MB; …". */
    private static void nativeMemory(Map<String, Object> res) throws Exception {
        Map<String, Double> nmt = NativeMemory.committedMb();
        if (nmt.isEmpty()) return;
        List<String> parts = new ArrayList<>();
        for (var e : nmt.entrySet()) parts.add(String.format(java.util.Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()));
        res.put("native_committed_mb", String.join("; ", parts));
        res.put("native_committed_outside_heap_mb", nmt.getOrDefault("Total", 0.0) - nmt.getOrDefault("Java Heap", 0.0));
    }

    /** Where the coordinator's CPU-seconds of the window went, by thread group: seconds and seconds per GB ingested. */
    private static void threads(Map<String, Object> res, Map<ThreadCpu.Group, Double> by, double ingestedGb) {
        for (var e : by.entrySet()) {
            res.put("cpu_seconds_" + e.getKey().key(), e.getValue());
            res.put("cpu_seconds_per_gb_" + e.getKey().key(), e.getValue() / ingestedGb);
        }
    }

    /**
     * The gRPC group split: gRPC's executor (a push's parse, reassembly, CRC and spool writes) and Netty's event loops (socket
     * reads and writes, HTTP/2 framing: a pull's bytes go out here), per GB ingested; and the GB of θ pulls took off the wire
     * (the ledger's "sent" counts θ as ordered, pulled or not).
     */
    private static void transport(Map<String, Object> res, ThreadCpu.Transport t, double ingestedGb, double pulledGb, double dt) {
        res.put("pulled_gb", pulledGb);
        res.put("pulled_mb_per_second", pulledGb * 1e3 / dt);
        res.put("cpu_seconds_grpc_executor", t.executor());
        res.put("cpu_seconds_netty", t.netty());
        res.put("cpu_seconds_per_gb_grpc_executor", t.executor() / ingestedGb);
        res.put("cpu_seconds_per_gb_netty", t.netty() / ingestedGb);
    }

    /**
     * Times reading back the checkpoint the coordinator wrote as it stopped, wall and CPU, with the heap and resident set
     * before it (the closed runtime's state freed) and at their peaks during it, then deletes it (also when the read fails: it is GBs).
     */
    private static void readBack(TimedStore written, FileCheckpointStore store, Map<String, Object> res) throws Exception {
        try {
            if (written.saves() == 0) return;
            res.put("checkpoint_file_mb", Files.size(store.file()) / 1e6);
            System.gc(); // the runtime's θ and optimizer state are garbage now: the read gets the heap they held
            res.put("checkpoint_read_heap_before_mb", heapUsedBytes() / 1e6);
            res.put("checkpoint_read_rss_before_mb", MemorySampler.rssBytes() / 1e6);
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try (MemorySampler during = MemorySampler.start()) {
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                boolean found = store.load().isPresent();
                res.put("checkpoint_read_seconds", (System.nanoTime() - t0) / 1e9);
                res.put("checkpoint_read_cpu_seconds", (os.getProcessCpuTime() - cpu0) / 1e9);
                res.put("checkpoint_read_found", found);
                res.put("checkpoint_read_peak_heap_mb", during.peakHeapBytes() / 1e6);
                // Sampled every 100 ms; the process's own peak over the whole run is peak_rss_mb.
                res.put("checkpoint_read_peak_rss_mb", Math.max(during.peakRssBytes(), MemorySampler.rssBytes()) / 1e6);
            }
        } finally {
            Files.deleteIfExists(store.file());
        }
    }

    private static long heapUsedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** " at" the innermost diloco4j frame of {@code t}, or nothing: where a failure such as OutOfMemoryError struck. */
    private static String where(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("org.diloco4j.")) return " at " + e.getClassName().replace("org.diloco4j.", "") + "." + e.getMethodName();
        }
        return "";
    }

    private static RuntimeListener listener(CountDownLatch firstApplied) {
        return new RuntimeListener() {
            @Override
            public void metric(Metric m) {
                if (m instanceof Metric.OuterStep) firstApplied.countDown();
            }

            @Override
            public void segment(String worker, Segment.Kind kind, double start, double end) {
            }

            @Override
            public void log(String line) {
                System.err.println("coordinator: " + line);
            }
        };
    }

    /** {applied, ledger bytes up, wire bytes in (PushDelta), ledger bytes down, wire bytes out (PullTheta), passes of two or three pushes, pushes in them}. */
    private static long[] snapshot(CoordinatorRuntime rt) {
        return rt.query(c -> new long[] {c.outerSteps(), c.ledger().up(), rt.wire().method("PushDelta").in(), c.ledger().down(),
                rt.wire().method("PullTheta").out(), c.sharedPasses(), c.stepsInSharedPasses()});
    }

    private static Process startWorkers(int port, int workers, int params, String codec, int chunk, Token token, String heap, PullRate pulls)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                // The load's own native memory stays small (Netty's direct buffers, glibc's arenas): at 1B
                // it shares the machine with a 14 GB coordinator.
                "-XX:MaxDirectMemorySize=1g", "-cp", System.getProperty("java.class.path"), BenchWorkers.class.getName(), "127.0.0.1", Integer.toString(port),
                Integer.toString(workers), Integer.toString(params), codec, Integer.toString(chunk), Integer.toString(pulls.every())));
        cmd.add(1, "--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) cmd.add(1, "--sun-misc-unsafe-memory-access=allow");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("DILOCO_TOKEN", token.value());
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        return pb.start();
    }

    private static void waitUntil(java.util.function.BooleanSupplier c, double seconds, Process load) throws InterruptedException {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        while (!c.getAsBoolean()) {
            if (!load.isAlive()) throw new IllegalStateException("the bench workers exited with " + load.exitValue());
            if (System.nanoTime() > until) throw new IllegalStateException("nothing applied within " + seconds + " s");
            Thread.sleep(50);
        }
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(new File("/proc/cpuinfo").toPath())) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).strip();
            }
        } catch (Exception e) {
            // Not Linux.
        }
        return System.getProperty("os.arch");
    }
}
