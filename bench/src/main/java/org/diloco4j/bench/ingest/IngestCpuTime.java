package org.diloco4j.bench.ingest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.ingest.StreamedDelta;
import org.diloco4j.core.optim.DelayedNesterov;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;

/**
 * The coordinator's cost of ingesting one int8 pseudo-gradient under async Delayed Nesterov, in
 * process CPU-seconds (all threads, GC and JIT included) and wall seconds per GB of int8:
 * <ul>
 *   <li>{@code whole}: the path every push took before streaming (and synchronous policies still
 *       take) — decode into a new fp32 vector, norm2 (the checks), scale by the staleness factor and
 *       norm2 again (the policy), the DN step, max |θ| (StepGuard's finite check); one thread.</li>
 *   <li>{@code streamed}: {@link StreamedDelta} — the scan on the pool (the norm summed by blocks;
 *       int8: from each chunk's histogram of codes, kept for the scaled norm, so no second scan),
 *       then {@link StreamedDelta#apply} (decode + scale + DN kernel + max |θ|) on 1 thread (the
 *       caller) or a pool of 2.</li>
 *   <li>{@code checks only} and {@code apply only}: the two parts of {@code streamed}, on one
 *       thread, to show where its CPU goes.</li>
 *   <li>{@code apply, accumulating} and {@code apply, momentum}: {@code apply only}'s arrivals split
 *       by DN case, by the calling thread's CPU time (the apply runs on it alone): the three that add
 *       to the accumulator, and the one that updates the momentum (it reads and writes one more
 *       buffer).</li>
 * </ul>
 * Arrivals cycle through DN buffers of N = 4 (three accumulating arrivals, one momentum update).
 * Run: {@code scripts/bench-ingest} (writes docs/bench/ingest-results.md, which docs/bench/ingest.md reads), or
 * {@code java -Xmx4g -cp bench/target/classes:$(cat bench/target/classpath.txt) org.diloco4j.bench.ingest.IngestCpuTime [n ...]}.
 */
public final class IngestCpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int BATCHES = 3;

    private IngestCpuTime() {
    }

    public static void main(String[] args) {
        int[] sizes = IngestInputs.sizes(args);
        System.out.println("| params | int8 MB | path | factor | threads | pushes per batch | CPU-s per GB | GB per CPU-s | wall s per GB | GB/s wall | CPU-s per GB, batches min–max |");
        System.out.println("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        ForkJoinPool two = new ForkJoinPool(2);
        for (int n : sizes) {
            Codec int8 = Codecs.parse("int8");
            byte[] msg = IngestInputs.push(int8, n);
            for (float factor : new float[] {1f, 0.7071f}) {
                row(n, msg, factor, "whole", 1, () -> wholePath(int8, msg, n));
                row(n, msg, factor, "streamed", 1, () -> streamedPath(int8, msg, n, null));
                row(n, msg, factor, "streamed", 2, () -> streamedPath(int8, msg, n, two));
                row(n, msg, factor, "checks only", 1, () -> checksOnly(int8, msg, n));
                row(n, msg, factor, "apply only", 1, () -> applyOnly(int8, msg, n));
                byCase(n, msg, factor, int8);
            }
        }
        two.shutdown();
    }

    /** One arrival of a prepared run; returns something the JIT cannot drop. */
    private interface Arrival {
        double apply(float factor);
    }

    private interface Path {
        Arrival prepare();
    }

    /**
     * A warm-up batch, then {@value #BATCHES} batches of arrivals, each of at least 4 pushes and
     * 0.5 GB of int8 (the process CPU clock ticks in 10 ms steps, too coarse for one 25M-param push);
     * the median batch is reported.
     */
    private static void row(int n, byte[] msg, float factor, String path, int threads, Path p) {
        // The previous row's θ and optimizer (1.2 GB at 100M) collected now, not inside this row's measurement.
        System.gc();
        Arrival a = p.prepare();
        int perBatch = (int) Math.max(4, Math.ceil(2e9 / msg.length / 4));
        double sink = 0;
        for (int i = 0; i < perBatch; i++) sink += a.apply(factor);
        double[] cpu = new double[BATCHES];
        double[] wall = new double[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            long c0 = OS.getProcessCpuTime();
            long w0 = System.nanoTime();
            for (int i = 0; i < perBatch; i++) sink += a.apply(factor);
            wall[b] = (System.nanoTime() - w0) / 1e9;
            cpu[b] = (OS.getProcessCpuTime() - c0) / 1e9;
        }
        double gb = (double) msg.length * perBatch / 1e9;
        double c = IngestInputs.median(cpu) / gb;
        double w = IngestInputs.median(wall) / gb;
        System.out.printf("| %,d | %.1f | %s | %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f–%.2f |%s%n", n, msg.length / 1e6, path, factor == 1f ? "1" : "0.7071",
                threads, perBatch, c, 1 / c, w, 1 / w, Arrays.stream(cpu).min().orElseThrow() / gb, Arrays.stream(cpu).max().orElseThrow() / gb,
                Double.isNaN(sink) ? " " : "");
    }

    /**
     * {@code apply only}'s arrivals split by DN case: a warm-up buffer, then {@value #BATCHES}
     * batches of buffers of N = 4, each arrival timed by this thread's CPU clock; the median batch
     * per case, CPU-s per GB. Wall is not split (the columns say so).
     */
    private static void byCase(int n, byte[] msg, float factor, Codec codec) {
        System.gc();
        float[] theta = IngestInputs.theta(n);
        DelayedNesterov dn = new DelayedNesterov(n, 0.7, 0.9, 4, 0);
        Fragment whole = new Fragment(0, java.util.List.of(new Range(0, n)));
        StreamedDelta s = new StreamedDelta(codec.blocks(), EncodedSource.of(msg), n);
        int buffers = (int) Math.max(1, Math.ceil(2e9 / msg.length / 4 / 4));
        double sink = 0;
        double[][] cpu = new double[2][BATCHES];
        for (int b = -1; b < BATCHES; b++) {
            for (int k = 0; k < 4 * buffers; k++) {
                int kind = dn.nextUpdatesMomentum() ? 1 : 0;
                long c0 = THREADS.getCurrentThreadCpuTime();
                sink += s.apply(whole, dn.begin(), theta, factor, factor != 1f, null);
                dn.commit();
                if (b >= 0) cpu[kind][b] += (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
            }
        }
        String[] names = {"apply, accumulating", "apply, momentum"};
        int[] pushes = {3 * buffers, buffers};
        for (int kind = 0; kind < 2; kind++) {
            double gb = (double) msg.length * pushes[kind] / 1e9;
            System.out.printf("| %,d | %.1f | %s | %s | 1 | %d | %.2f | %.2f | — | — | %.2f–%.2f |%s%n", n, msg.length / 1e6, names[kind], factor == 1f ? "1" : "0.7071",
                    pushes[kind], IngestInputs.median(cpu[kind]) / gb, gb / IngestInputs.median(cpu[kind]), Arrays.stream(cpu[kind]).min().orElseThrow() / gb,
                    Arrays.stream(cpu[kind]).max().orElseThrow() / gb, Double.isNaN(sink) ? " " : "");
        }
    }

    private static Arrival wholePath(Codec codec, byte[] msg, int n) {
        float[] theta = IngestInputs.theta(n);
        DelayedNesterov dn = new DelayedNesterov(n, 0.7, 0.9, 4, 0);
        return factor -> {
            float[] g = new float[n];
            codec.decode(msg, g, 0, n);
            double norm = VectorOps.norm2(g);
            if (factor != 1f) {
                VectorOps.scale(factor, g);
                norm = VectorOps.norm2(g);
            }
            dn.step(theta, g);
            return norm + VectorOps.maxAbs(theta, 0, n);
        };
    }

    private static Arrival streamedPath(Codec codec, byte[] msg, int n, ForkJoinPool pool) {
        float[] theta = IngestInputs.theta(n);
        DelayedNesterov dn = new DelayedNesterov(n, 0.7, 0.9, 4, 0);
        Fragment whole = new Fragment(0, java.util.List.of(new Range(0, n)));
        StreamedDelta s = new StreamedDelta(codec.blocks(), EncodedSource.of(msg), n);
        return factor -> {
            double norm = s.scan(pool).norm();
            boolean scale = factor != 1f;
            if (scale) norm = s.scaledNorm(factor, pool);
            float max = s.apply(whole, dn.begin(), theta, factor, scale, pool);
            dn.commit();
            return norm + max;
        };
    }

    /** The streamed path's part before the step: the scan, and the scaled norm from what it kept. */
    private static Arrival checksOnly(Codec codec, byte[] msg, int n) {
        StreamedDelta s = new StreamedDelta(codec.blocks(), EncodedSource.of(msg), n);
        return factor -> factor != 1f ? s.scan(null).norm() + s.scaledNorm(factor, null) : s.scan(null).norm();
    }

    /** The streamed path's step alone: decode (scaled), DN kernel and max |θ| per block. */
    private static Arrival applyOnly(Codec codec, byte[] msg, int n) {
        float[] theta = IngestInputs.theta(n);
        DelayedNesterov dn = new DelayedNesterov(n, 0.7, 0.9, 4, 0);
        Fragment whole = new Fragment(0, java.util.List.of(new Range(0, n)));
        StreamedDelta s = new StreamedDelta(codec.blocks(), EncodedSource.of(msg), n);
        return factor -> {
            float max = s.apply(whole, dn.begin(), theta, factor, factor != 1f, null);
            dn.commit();
            return max;
        };
    }
}
