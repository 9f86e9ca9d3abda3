package org.diloco4j.net.bench;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.coord.CoordinatorRuntime;
import org.diloco4j.net.coord.CoordinatorServer;
import org.diloco4j.net.coord.RuntimeListener;
import org.diloco4j.net.coord.RuntimeOptions;
import org.diloco4j.net.wire.RunDefinition;

import java.io.File;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Coordinator throughput over loopback: a real coordinator runtime and gRPC server in this JVM
 * (asynchronous DiLoCo with Delayed Nesterov, every pseudo-gradient applied on arrival), N workers
 * in a second JVM that only pull θ and push a pre-encoded pseudo-gradient (see {@link BenchWorkers}).
 * Measures pseudo-gradients applied per second, bytes ingested per second and the coordinator's
 * peak heap, after a warm-up.
 *
 * <p>Usage: {@code CoordinatorThroughputBench [--workers 16] [--params 25000000] [--codec int8] [--down int8]
 * [--seconds 60] [--warmup 20] [--chunk-kib 1024] [--out FILE.json]}; run by scripts/bench-coordinator.
 */
public final class CoordinatorThroughputBench {
    private CoordinatorThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("--workers", "16", "--params", "25000000", "--codec", "int8", "--down", "int8",
                "--seconds", "60", "--warmup", "20", "--chunk-kib", "1024", "--out", ""));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!a.containsKey(args[i])) throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + a.keySet());
            a.put(args[i], args[i + 1]);
        }
        int workers = Integer.parseInt(a.get("--workers"));
        int params = Integer.parseInt(a.get("--params"));
        double seconds = Double.parseDouble(a.get("--seconds"));
        double warmup = Double.parseDouble(a.get("--warmup"));
        int chunk = Integer.parseInt(a.get("--chunk-kib")) * 1024;

        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(10).dylu(true).minWorkers(workers)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, workers, 0)).upCodec(a.get("--codec")).downCodec(a.get("--down"))
                .build();
        RunDefinition run = RunDefinition.of("# coordinator throughput benchmark\n", cc, FragmentPlan.whole(params), chunk);
        float[] theta0 = new float[params];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < params; i++) theta0[i] = (float) (0.02 * (r.nextDouble() - 0.5));
        // Bench workers send no heartbeats: a long session timeout keeps them in.
        RuntimeOptions opts = RuntimeOptions.defaults().withHeartbeat(5, 3600).withChunkBytes(chunk).withCheckpoints(0, 0);

        CountDownLatch firstApplied = new CountDownLatch(1);
        RuntimeListener listener = new RuntimeListener() {
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
        AtomicLong peakHeap = new AtomicLong();
        AtomicLong peakLive = new AtomicLong();
        Thread sampler = new Thread(() -> {
            var mem = ManagementFactory.getMemoryMXBean();
            var pools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                    .toList();
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                // What each heap pool held right after its last collection: the live set, not garbage yet to be collected.
                long live = 0;
                for (var p : pools) {
                    var u = p.getCollectionUsage();
                    if (u != null) live += u.getUsed();
                }
                peakLive.accumulateAndGet(live, Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        Token token = Token.random();
        Coordinator coordinator = new Coordinator(cc, run.plan(), theta0, m -> { });
        theta0 = null;
        try (CoordinatorRuntime rt = CoordinatorRuntime.start(run, coordinator, opts, null, listener, null);
             CoordinatorServer server = CoordinatorServer.start(rt, token, new CoordinatorServer.Listen("127.0.0.1", 0, null, null))) {
            Process load = startWorkers(server.port(), workers, params, a.get("--codec"), chunk, token);
            try {
                waitUntil(() -> firstApplied.getCount() == 0, 600, load);
                double start = rt.now();
                Thread.sleep((long) (warmup * 1000));
                long[] w0 = snapshot(rt);
                double t0 = rt.now();
                Thread.sleep((long) (seconds * 1000));
                long[] w1 = snapshot(rt);
                double t1 = rt.now();
                rt.stop("benchmark over").get(60, TimeUnit.SECONDS);
                double dt = t1 - t0;
                long gcCount = 0;
                long gcMillis = 0;
                for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                    gcCount += gc.getCollectionCount();
                    gcMillis += gc.getCollectionTime();
                }
                Map<String, Object> res = new LinkedHashMap<>();
                res.put("workers", workers);
                res.put("params", params);
                res.put("codec_up", a.get("--codec"));
                res.put("codec_down", a.get("--down"));
                res.put("chunk_bytes", chunk);
                res.put("delta_bytes", run.deltaBytes(0));
                res.put("warmup_seconds", t0 - start);
                res.put("measured_seconds", dt);
                res.put("applied", w1[0] - w0[0]);
                res.put("applied_per_second", (w1[0] - w0[0]) / dt);
                res.put("ingested_mb_per_second", (w1[1] - w0[1]) / dt / 1e6);
                res.put("wire_in_mb_per_second", (w1[2] - w0[2]) / dt / 1e6);
                res.put("sent_mb_per_second", (w1[3] - w0[3]) / dt / 1e6);
                res.put("peak_heap_mb", peakHeap.get() / 1e6);
                res.put("peak_heap_after_gc_mb", peakLive.get() / 1e6);
                res.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1e6);
                res.put("gc_collections", gcCount);
                res.put("gc_seconds", gcMillis / 1000.0);
                res.put("cpus", Runtime.getRuntime().availableProcessors());
                res.put("cpu", cpuModel());
                res.put("jdk", Runtime.version().toString());
                String json = toJson(res);
                System.out.println(json);
                if (!a.get("--out").isEmpty()) Files.writeString(Path.of(a.get("--out")), json + "\n");
            } finally {
                load.destroyForcibly();
                load.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** {applied, ledger bytes up, wire bytes in (PushDelta), ledger bytes down}. */
    private static long[] snapshot(CoordinatorRuntime rt) {
        return rt.query(c -> new long[] {c.outerSteps(), c.ledger().up(), rt.wire().method("PushDelta").in(), c.ledger().down()});
    }

    private static Process startWorkers(int port, int workers, int params, String codec, int chunk, Token token) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g",
                "-cp", System.getProperty("java.class.path"), BenchWorkers.class.getName(), "127.0.0.1", Integer.toString(port),
                Integer.toString(workers), Integer.toString(params), codec, Integer.toString(chunk)));
        cmd.add(1, "--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) cmd.add(1, "--sun-misc-unsafe-memory-access=allow");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("DILOCO_TOKEN", token.value());
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

    private static String toJson(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (b.length() > 1) b.append(", ");
            b.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v instanceof String s) b.append('"').append(s.replace("\"", "'")).append('"');
            else if (v instanceof Double d) b.append(String.format(Locale.ROOT, "%.4g", d));
            else b.append(v);
        }
        return b.append('}').toString();
    }
}
