package org.diloco4j.bench.ingest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.diloco4j.core.params.VectorOps;

/**
 * Copies of Delayed Nesterov's fused int8 loop (c = 0: {@code accumulateCoded}) and of the loop it replaced, with one change each, timed
 * side by side in one JVM on the same load: each on its own θ and accumulator, in rotating order, one step
 * over n values laid out as int8's 64K chunks of four quarter runs (codes every fourth byte), the first of
 * every three steps with {@code first} (acc ← g); this thread's CPU clock per step. All must end bit for bit
 * equal. {@code plainFp32} runs the same arithmetic on g decoded beforehand (the vectorized loop, 20 B per
 * value): the memory floor under the load of the moment. A copy is not the production method: C2 compiles
 * each by its own profile and constants: {@code before} and its variants use the constant {@code A}, as they
 * were measured on 2026-12-05 01:06; {@code production} and the {@code FieldA} variants read η/N from a field,
 * as DelayedNesterov does (so {@code production} against {@code before} differs in that too). Check a finding
 * with {@link KernelJarAB} before landing it.
 * Run: {@code scripts/bench-fused-kernel}, or
 * {@code java -Xmx3g -cp bench/target/classes:$(cat bench/target/classpath.txt) org.diloco4j.bench.ingest.FusedLoopAB [n] [steps]}.
 */
public final class FusedLoopAB {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int CHUNK = 1 << 16;
    private static final float A = -0.175f;

    private FusedLoopAB() {
    }

    interface Loop {
        int run(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len);
    }

    /**
     * As DelayedNesterov.accumulateCoded: the loop counts θ's index j, acc at j + d and codes at cb + 4j (differences
     * fixed before the loop), one loop per value of first, max |θ| by VectorOps.maxAbs over the run afterwards.
     */
    static int production(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float a = -lrOverN;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                ac[j + d] = gi;
                theta[j] = Math.fma(gi, a, theta[j]);
            }
        } else {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                ac[j + d] += gi;
                theta[j] = Math.fma(gi, a, theta[j]);
            }
        }
        return Float.floatToRawIntBits(VectorOps.maxAbs(theta, to, end));
    }

    /** As DelayedNesterov.accumulateCoded before 2026-12-05: i from 0 with three offsets, {@code first ? gi : acc + gi} in the loop, max |θ| in the loop. */
    static int before(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float a = A;
        int bits = 0;
        for (int i = 0; i < len; i++) {
            float gi = table[codes[co + 4 * i] & 0xFF];
            ac[off + i] = first ? gi : ac[off + i] + gi;
            float t = Math.fma(gi, a, theta[to + i]);
            theta[to + i] = t;
            bits = Math.max(bits, Float.floatToRawIntBits(t) & 0x7fffffff);
        }
        return bits;
    }

    /** before with the table copied to an array of length 256, which C2 knows is more than {@code code & 0xFF}. */
    static int table256(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float[] tb = Arrays.copyOf(table, 256);
        float a = A;
        int bits = 0;
        for (int i = 0; i < len; i++) {
            float gi = tb[codes[co + 4 * i] & 0xFF];
            ac[off + i] = first ? gi : ac[off + i] + gi;
            float t = Math.fma(gi, a, theta[to + i]);
            theta[to + i] = t;
            bits = Math.max(bits, Float.floatToRawIntBits(t) & 0x7fffffff);
        }
        return bits;
    }

    /** before with one loop per value of first. */
    static int split(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float a = A;
        int bits = 0;
        if (first) {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                ac[off + i] = gi;
                float t = Math.fma(gi, a, theta[to + i]);
                theta[to + i] = t;
                bits = Math.max(bits, Float.floatToRawIntBits(t) & 0x7fffffff);
            }
        } else {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                ac[off + i] += gi;
                float t = Math.fma(gi, a, theta[to + i]);
                theta[to + i] = t;
                bits = Math.max(bits, Float.floatToRawIntBits(t) & 0x7fffffff);
            }
        }
        return bits;
    }

    /** before's table256 with max |θ| by the vectorized pass over the run just written (in L2), not in the loop. */
    static int table256MaxAfter(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float[] tb = Arrays.copyOf(table, 256);
        float a = A;
        for (int i = 0; i < len; i++) {
            float gi = tb[codes[co + 4 * i] & 0xFF];
            ac[off + i] = first ? gi : ac[off + i] + gi;
            theta[to + i] = Math.fma(gi, a, theta[to + i]);
        }
        return Float.floatToRawIntBits(VectorOps.maxAbs(theta, to, to + len));
    }

    /** η/N as DelayedNesterov has it: a value, not a constant C2 can fold. */
    static float lrOverN = Float.parseFloat(System.getProperty("lr", "0.175"));

    /** before's table256MaxAfter with a = −η/N read from a field, as DelayedNesterov reads it. */
    static int table256MaxAfterFieldA(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float[] tb = Arrays.copyOf(table, 256);
        float a = -lrOverN;
        for (int i = 0; i < len; i++) {
            float gi = tb[codes[co + 4 * i] & 0xFF];
            ac[off + i] = first ? gi : ac[off + i] + gi;
            theta[to + i] = Math.fma(gi, a, theta[to + i]);
        }
        return Float.floatToRawIntBits(VectorOps.maxAbs(theta, to, to + len));
    }

    /** before with a = −η/N read from a field. */
    static int productionFieldA(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float a = -lrOverN;
        int bits = 0;
        for (int i = 0; i < len; i++) {
            float gi = table[codes[co + 4 * i] & 0xFF];
            ac[off + i] = first ? gi : ac[off + i] + gi;
            float t = Math.fma(gi, a, theta[to + i]);
            theta[to + i] = t;
            bits = Math.max(bits, Float.floatToRawIntBits(t) & 0x7fffffff);
        }
        return bits;
    }

    /** before with max |θ| after the loop. */
    static int maxAfter(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float a = A;
        for (int i = 0; i < len; i++) {
            float gi = table[codes[co + 4 * i] & 0xFF];
            ac[off + i] = first ? gi : ac[off + i] + gi;
            theta[to + i] = Math.fma(gi, a, theta[to + i]);
        }
        return Float.floatToRawIntBits(VectorOps.maxAbs(theta, to, to + len));
    }

    /** g already decoded into an fp32 vector (set by main): the plain vectorized loop, 20 B per value instead of 17, as a floor. */
    static float[] decodedG;

    static int plainFp32(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float[] g = decodedG;
        float a = A;
        if (first) {
            for (int i = 0; i < len; i++) {
                float gi = g[off + i];
                ac[off + i] = gi;
                theta[to + i] = Math.fma(gi, a, theta[to + i]);
            }
        } else {
            for (int i = 0; i < len; i++) {
                float gi = g[off + i];
                ac[off + i] += gi;
                theta[to + i] = Math.fma(gi, a, theta[to + i]);
            }
        }
        return Float.floatToRawIntBits(VectorOps.maxAbs(theta, to, to + len));
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 25_000_000;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        String[] names = {"production", "before", "table256", "split", "table256MaxAfter", "maxAfter", "plainFp32 (g decoded beforehand)", "productionFieldA", "table256MaxAfterFieldA"};
        Loop[] loops = {FusedLoopAB::production, FusedLoopAB::before, FusedLoopAB::table256, FusedLoopAB::split,
            FusedLoopAB::table256MaxAfter, FusedLoopAB::maxAfter, FusedLoopAB::plainFp32, FusedLoopAB::productionFieldA, FusedLoopAB::table256MaxAfterFieldA};
        SplittableRandom r = new SplittableRandom(42);
        byte[] codes = new byte[n];
        for (int i = 0; i < n; i++) codes[i] = (byte) Math.max(0, Math.min(255, (int) Math.round(128 + 32 * r.nextGaussian())));
        float[] table = new float[256];
        for (int k = 0; k < 256; k++) table[k] = (k - 128) * 3e-5f;
        decodedG = new float[n];
        for (int lo = 0; lo < n; lo += CHUNK) {
            int m = Math.min(CHUNK, n - lo);
            int g = m >>> 2;
            for (int q = 0; q < 4; q++) {
                for (int j = 0; j < g; j++) decodedG[lo + q * g + j] = table[codes[lo + q + 4 * j] & 0xFF];
            }
        }
        float[][] theta = new float[loops.length][];
        float[][] acc = new float[loops.length][];
        for (int v = 0; v < loops.length; v++) {
            theta[v] = IngestInputs.theta(n);
            acc[v] = new float[n];
        }
        double[][] t = new double[loops.length][steps];
        int[] maxes = new int[loops.length];
        for (int s = 0; s < steps + 3; s++) {
            for (int j = 0; j < loops.length; j++) {
                int v = (j + s) % loops.length; // rotate who goes first
                long c0 = THREADS.getCurrentThreadCpuTime();
                int bits = 0;
                for (int lo = 0; lo < n; lo += CHUNK) {
                    int m = Math.min(CHUNK, n - lo);
                    int g = m >>> 2;
                    for (int q = 0; q < 4; q++) {
                        bits = Math.max(bits, loops[v].run(s % 3 == 0, theta[v], lo + q * g, table, codes, lo + q, acc[v], lo + q * g, g));
                    }
                }
                maxes[v] = bits;
                if (s >= 3) t[v][s - 3] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
            }
        }
        for (int v = 1; v < loops.length; v++) {
            if (!Arrays.equals(theta[0], theta[v]) || !Arrays.equals(acc[0], acc[v]) || maxes[0] != maxes[v]) {
                throw new IllegalStateException(names[v] + " differs from production");
            }
        }
        double base = IngestInputs.median(t[0]);
        System.out.printf("n=%,d steps=%d load=%s%n", n, steps, loadAvg());
        System.out.println("| variant | CPU ms per step, median (min–max) | CPU-s per GB int8 | vs production |");
        System.out.println("|---|---:|---:|---:|");
        for (int v = 0; v < loops.length; v++) {
            double med = IngestInputs.median(t[v]);
            System.out.printf("| %s | %.1f (%.1f–%.1f) | %.2f | %.2f |%n", names[v], med, Arrays.stream(t[v]).min().orElseThrow(),
                    Arrays.stream(t[v]).max().orElseThrow(), med / 1e3 / (n / 1e9), med / base);
        }
    }

    private static String loadAvg() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
