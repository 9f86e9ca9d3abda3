package org.diloco4j.bench.optim;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.diloco4j.core.optim.DelayedNesterov;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Where θ, momentum and the accumulator should live once a model passes 2^31 values (issue 14,
 * stage 2): the two Delayed Nesterov kernels an async coordinator runs per arrival, over three
 * storages of the same values.
 * <ul>
 *   <li>{@code array*}: one {@code float[]} per vector (today's storage, capped at 2^31 − 9 values);</li>
 *   <li>{@code chunked*}: each vector as {@code float[]} chunks of {@code chunk} values, the kernel
 *       run chunk by chunk (blocks never straddle chunks, so no element needs two chunks);</li>
 *   <li>{@code segment*}: one off-heap {@link MemorySegment} per vector (an {@link Arena}), read and
 *       written with {@link ValueLayout#JAVA_FLOAT_UNALIGNED} at a {@code long} index;</li>
 *   <li>{@code production}: {@link DelayedNesterov} itself on {@code float[]}, to show the copied
 *       array loops cost what the real kernel costs.</li>
 * </ul>
 * The loops are DelayedNesterov's, operation for operation: {@code accumulate} is its mid-buffer
 * arrival with c = 0 ({@code acc += g; θ = fma(g, −η/N, θ)}: read θ, acc, g, write θ, acc = 20 B
 * per parameter), {@code momentum} its N-th arrival after the first update
 * ({@code m = μm + (acc + g)/N; θ = fma(fma(m, K, g), −η/N, θ)}: read θ, m, acc, g, write θ, m = 24 B).
 * Each iteration also prints the benchmark thread's CPU time and wall time ({@code #cpu} lines)
 * so a run on a loaded machine shows how much of the wall time the thread actually ran.
 * Run with {@code scripts/bench-param-storage}; results in docs/bench/param-storage.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(1)
public class ParamStorageBench {
    // Not final: the real kernel reads its coefficients from fields, so C2 must not fold them
    // (dividing by a constant 2 would become a multiplication).
    static float A = -0.7f / 2;
    static float K = 0.9f * 2;
    static float MU = 0.9f;
    static float NF = 2f;

    /** Deterministic values in a realistic range, no denormals: θ ~ O(1), g ~ O(1e-2). */
    static float value(long i, int seed, float scale) {
        long s = (i + 1) * 0x9E3779B97F4A7C15L ^ seed * 0xBF58476D1CE4E5B9L;
        s ^= s >>> 31;
        return scale * (((int) s >>> 8) * 0x1.0p-24f - 0.5f);
    }

    static float[] array(long from, int n, int seed, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = value(from + i, seed, scale);
        return x;
    }

    @State(Scope.Thread)
    public static class Arrays {
        @Param({"25000000", "100000000"})
        public int size;
        float[] theta, g, m, acc;

        @Setup(Level.Trial)
        public void setup() {
            theta = array(0, size, 1, 2f);
            g = array(0, size, 2, 0.02f);
            m = array(0, size, 3, 0.02f);
            acc = array(0, size, 4, 0.02f);
        }
    }

    @State(Scope.Thread)
    public static class Chunks {
        @Param({"25000000", "100000000"})
        public int size;
        /** Values per chunk: 2^22 (4M, 16 MiB) and 2^26 (64M, 256 MiB). */
        @Param({"4194304", "67108864"})
        public int chunk;
        float[][] theta, g, m, acc;

        @Setup(Level.Trial)
        public void setup() {
            theta = chunks(1, 2f);
            g = chunks(2, 0.02f);
            m = chunks(3, 0.02f);
            acc = chunks(4, 0.02f);
        }

        private float[][] chunks(int seed, float scale) {
            int n = (int) ((size + (long) chunk - 1) / chunk);
            float[][] out = new float[n][];
            for (int c = 0; c < n; c++) {
                long from = (long) c * chunk;
                out[c] = array(from, (int) Math.min(chunk, size - from), seed, scale);
            }
            return out;
        }
    }

    @State(Scope.Thread)
    public static class Segments {
        @Param({"25000000", "100000000"})
        public long size;
        Arena arena;
        MemorySegment theta, g, m, acc;

        @Setup(Level.Trial)
        public void setup() {
            arena = Arena.ofShared();
            theta = segment(1, 2f);
            g = segment(2, 0.02f);
            m = segment(3, 0.02f);
            acc = segment(4, 0.02f);
        }

        private MemorySegment segment(int seed, float scale) {
            MemorySegment s = arena.allocate(size * Float.BYTES, 64);
            for (long i = 0; i < size; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, value(i, seed, scale));
            return s;
        }

        @TearDown(Level.Trial)
        public void free() {
            arena.close();
        }
    }

    /**
     * The real optimizer on float[], as OuterStepBench runs it: {@code accumulate} with a buffer that
     * never fills (every arrival mid-buffer), {@code momentum} with N = 2, past the first update,
     * the first arrival of each buffer run untimed.
     */
    @State(Scope.Thread)
    public static class Dn {
        @Param({"25000000", "100000000"})
        public int size;
        @Param({"accumulate", "momentum"})
        public String kernel;
        float[] theta, g;
        DelayedNesterov opt;

        @Setup(Level.Trial)
        public void setup() {
            theta = array(0, size, 1, 2f);
            g = array(0, size, 2, 0.02f);
            boolean momentum = kernel.equals("momentum");
            opt = new DelayedNesterov(size, 0.7, 0.9, momentum ? 2 : Integer.MAX_VALUE, 0);
            opt.step(theta, g);
            if (momentum) opt.step(theta, g); // past the first momentum update, which skips μ·m
        }

        @Setup(Level.Invocation)
        public void fillBuffer() {
            if (kernel.equals("accumulate") || opt.nextUpdatesMomentum()) return;
            long t0 = CpuClock.THREADS.getCurrentThreadCpuTime();
            opt.step(theta, g);
            CpuClock.untimed += CpuClock.THREADS.getCurrentThreadCpuTime() - t0;
        }
    }

    /**
     * The benchmark thread's CPU time, wall time and operations per iteration, printed as
     * {@code #cpu METHOD SIZE CHUNK|KERNEL|- cpuNs wallNs ops}: on a shared machine CPU time per operation is
     * the figure the other jobs disturb least (a descheduled thread's wall time runs on, its CPU time does not).
     */
    @State(Scope.Thread)
    public static class CpuClock {
        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        /** CPU time of untimed work on the benchmark thread (Dn's first arrivals of a buffer), left out of the iteration's. */
        static long untimed;
        long cpu0, wall0, ops;

        @Setup(Level.Iteration)
        public void start() {
            untimed = 0;
            ops = 0;
            cpu0 = THREADS.getCurrentThreadCpuTime();
            wall0 = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void stop(BenchmarkParams p) {
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0 - untimed;
            long wall = System.nanoTime() - wall0;
            String method = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
            // the benchmark's other parameter, if any: Chunks' chunk or Dn's kernel
            String chunk = p.getParamsKeys().contains("chunk") ? p.getParam("chunk") : p.getParamsKeys().contains("kernel") ? p.getParam("kernel") : "-";
            System.out.println("#cpu " + method + " " + p.getParam("size") + " " + chunk + " " + cpu + " " + wall + " " + ops);
        }
    }

    static void accumulate(float[] theta, float[] g, float[] acc, int len) {
        float a = A;
        for (int i = 0; i < len; i++) {
            float gi = g[i];
            acc[i] += gi;
            theta[i] = Math.fma(gi, a, theta[i]);
        }
    }

    static void momentum(float[] theta, float[] g, float[] m, float[] acc, int len) {
        float a = A, k = K, mu = MU, nf = NF;
        for (int i = 0; i < len; i++) {
            float gi = g[i];
            float mi = m[i] * mu + (acc[i] + gi) / nf;
            m[i] = mi;
            theta[i] = Math.fma(Math.fma(mi, k, gi), a, theta[i]);
        }
    }

    @Benchmark
    public void arrayAccumulate(Arrays s, CpuClock c) {
        c.ops++;
        accumulate(s.theta, s.g, s.acc, s.size);
    }

    @Benchmark
    public void arrayMomentum(Arrays s, CpuClock c) {
        c.ops++;
        momentum(s.theta, s.g, s.m, s.acc, s.size);
    }

    @Benchmark
    public void chunkedAccumulate(Chunks s, CpuClock c) {
        c.ops++;
        for (int k = 0; k < s.theta.length; k++) accumulate(s.theta[k], s.g[k], s.acc[k], s.theta[k].length);
    }

    @Benchmark
    public void chunkedMomentum(Chunks s, CpuClock c) {
        c.ops++;
        for (int k = 0; k < s.theta.length; k++) momentum(s.theta[k], s.g[k], s.m[k], s.acc[k], s.theta[k].length);
    }

    @Benchmark
    public void segmentAccumulate(Segments s, CpuClock c) {
        c.ops++;
        MemorySegment theta = s.theta, g = s.g, acc = s.acc;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT_UNALIGNED;
        float a = A;
        for (long i = 0; i < s.size; i++) {
            float gi = g.getAtIndex(f, i);
            acc.setAtIndex(f, i, acc.getAtIndex(f, i) + gi);
            theta.setAtIndex(f, i, Math.fma(gi, a, theta.getAtIndex(f, i)));
        }
    }

    @Benchmark
    public void segmentMomentum(Segments s, CpuClock c) {
        c.ops++;
        MemorySegment theta = s.theta, g = s.g, m = s.m, acc = s.acc;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT_UNALIGNED;
        float a = A, k = K, mu = MU, nf = NF;
        for (long i = 0; i < s.size; i++) {
            float gi = g.getAtIndex(f, i);
            float mi = m.getAtIndex(f, i) * mu + (acc.getAtIndex(f, i) + gi) / nf;
            m.setAtIndex(f, i, mi);
            theta.setAtIndex(f, i, Math.fma(Math.fma(mi, k, gi), a, theta.getAtIndex(f, i)));
        }
    }

    @Benchmark
    public void production(Dn s, CpuClock c) {
        c.ops++;
        s.opt.step(s.theta, s.g);
    }
}
