package org.diloco4j.bench.ingest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.diloco4j.core.params.VectorOps;

/**
 * How the shape of Delayed Nesterov's fused int8 loop (c = 0) decides its speed, the arithmetic
 * unchanged: which index the loop counts and where max |θ| is taken. Each variant is called through
 * an interface with several implementations (as the production kernel is reached), on its own
 * θ and accumulator, three steps per round (the first with {@code first}), thread CPU time; all must
 * end bit for bit equal. With {@code far} &gt; 0 every variant's θ run starts {@code far} values into
 * one shared array (θ held in one array past 2^29 values: 4·to wraps an int), the accumulator at
 * the run's own offset. The loop before 2026-12-05 and the production shape are
 * {@link FusedLoopAB}'s copies ({@code before}: η/N a constant, as it was measured there).
 * Run: {@code java -Xmx6g -cp bench/target/classes:$(cat bench/target/classpath.txt)
 * org.diloco4j.bench.ingest.LoopShapeAB [n] [rounds] [far]}.
 */
public final class LoopShapeAB {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int CHUNK = 1 << 16;

    private LoopShapeAB() {
    }


    /** i from 0 with three offsets, one loop per value of first, max |θ| afterwards. */
    static int fromZeroMaxAfter(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float a = -FusedLoopAB.lrOverN;
        if (first) {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                ac[off + i] = gi;
                theta[to + i] = Math.fma(gi, a, theta[to + i]);
            }
        } else {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                ac[off + i] += gi;
                theta[to + i] = Math.fma(gi, a, theta[to + i]);
            }
        }
        return Float.floatToRawIntBits(VectorOps.maxAbs(theta, to, to + len));
    }


    /** The loop counts the accumulator's index j; θ at j + d, codes at cb + 4j. */
    static int accIndex(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, float[] ac, int off, int len) {
        float a = -FusedLoopAB.lrOverN;
        int d = to - off;
        int cb = co - 4 * off;
        int end = off + len;
        if (first) {
            for (int j = off; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                ac[j] = gi;
                theta[j + d] = Math.fma(gi, a, theta[j + d]);
            }
        } else {
            for (int j = off; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                ac[j] += gi;
                theta[j + d] = Math.fma(gi, a, theta[j + d]);
            }
        }
        return Float.floatToRawIntBits(VectorOps.maxAbs(theta, to, to + len));
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int far = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        // Production runs the θ-index shape below index 2^29 and i from 0 (max after) past it (DelayedNesterov.LoopShape).
        boolean past = far + n > (1 << 29);
        String[] names = {"before (i from 0, max in loop)", "i from 0, max after" + (past ? " (production here)" : ""),
            "θ index, max after" + (past ? "" : " (production here)"), "acc index, max after"};
        // before and the production shape are FusedLoopAB's copies.
        FusedLoopAB.Loop[] loops = {FusedLoopAB::before, LoopShapeAB::fromZeroMaxAfter, FusedLoopAB::production, LoopShapeAB::accIndex};
        SplittableRandom r = new SplittableRandom(42);
        byte[] codes = new byte[n];
        for (int i = 0; i < n; i++) codes[i] = (byte) Math.max(0, Math.min(255, (int) Math.round(128 + 32 * r.nextGaussian())));
        float[] table = new float[256];
        for (int k = 0; k < 256; k++) table[k] = (k - 128) * 3e-5f;
        // With far > 0, the variants take turns on one θ array (each starts from the same values, restored between rounds).
        float[] shared = far > 0 ? new float[far + n] : null;
        float[] start = IngestInputs.theta(n);
        float[][] theta = new float[loops.length][];
        float[][] acc = new float[loops.length][];
        float[][] end = new float[loops.length][];
        for (int v = 0; v < loops.length; v++) {
            theta[v] = far > 0 ? shared : start.clone();
            acc[v] = new float[n];
        }
        double[][] t = new double[loops.length][rounds];
        int[] maxes = new int[loops.length];
        for (int round = 0; round < rounds + 2; round++) {
            for (int j = 0; j < loops.length; j++) {
                int v = (j + round) % loops.length; // rotate who goes first
                if (far > 0) System.arraycopy(start, 0, shared, far, n);
                else System.arraycopy(start, 0, theta[v], 0, n);
                long c0 = THREADS.getCurrentThreadCpuTime();
                int bits = 0;
                for (int s = 0; s < 3; s++) {
                    for (int lo = 0; lo < n; lo += CHUNK) {
                        int m = Math.min(CHUNK, n - lo);
                        int g = m >>> 2;
                        for (int q = 0; q < 4; q++) {
                            bits = Math.max(bits, loops[v].run(s == 0, theta[v], far + lo + q * g, table, codes, lo + q, acc[v], lo + q * g, g));
                        }
                    }
                }
                if (round >= 2) t[v][round - 2] = (THREADS.getCurrentThreadCpuTime() - c0) / 3e6;
                maxes[v] = bits;
                end[v] = Arrays.copyOfRange(theta[v], far, far + n);
            }
        }
        for (int v = 1; v < loops.length; v++) {
            if (!Arrays.equals(end[0], end[v]) || !Arrays.equals(acc[0], acc[v]) || maxes[0] != maxes[v]) {
                throw new IllegalStateException(names[v] + " differs from " + names[0]);
            }
        }
        System.out.printf("n=%,d rounds=%d far=%,d load=%s%n", n, rounds, far, loadAvg());
        System.out.println("| loop shape | CPU ms per step, median (min–max) | CPU-s per GB int8 |");
        System.out.println("|---|---:|---:|");
        for (int v = 0; v < loops.length; v++) {
            double med = IngestInputs.median(t[v]);
            System.out.printf("| %s | %.1f (%.1f–%.1f) | %.2f |%n", names[v], med, Arrays.stream(t[v]).min().orElseThrow(),
                    Arrays.stream(t[v]).max().orElseThrow(), med / 1e3 / (n / 1e9));
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
