package org.diloco4j.bench.ingest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.diloco4j.core.params.VectorOps;

/**
 * What applying k queued int8 arrivals of one Delayed Nesterov buffer in one pass over θ and the
 * accumulator would save against k passes (c = 0, no momentum update among them): k passes stream
 * θ and acc k times (16 bytes per value each, plus the codes), one pass once. Both give the same
 * bits — acc ← (acc + g1) + g2, θ ← fma(g2, a, fma(g1, a, θ)) are the sequential operations in
 * their order — which the harness checks. A design question for issue 14 (applying arrivals
 * queued behind a busy ingest pool together), not production code: the sequential variant is
 * {@link FusedLoopAB#production}, the production loop's copy. Thread CPU time, variants rotated.
 * Run: {@code java -Xmx8g -cp bench/target/classes:$(cat bench/target/classpath.txt)
 * org.diloco4j.bench.ingest.PairedArrivalsAB [n] [rounds]} (scripts/bench-paired-arrivals).
 */
public final class PairedArrivalsAB {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int CHUNK = 1 << 16;

    private PairedArrivalsAB() {
    }

    /** Two arrivals' codes in one pass (not the first of a buffer): the production loop's shape with a second code stream. */
    static int two(float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, int co, float[] ac, int off, int len) {
        float a = -FusedLoopAB.lrOverN;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        for (int j = to; j < end; j++) {
            float g1 = t1[c1[cb + 4 * j] & 0xFF];
            float g2 = t2[c2[cb + 4 * j] & 0xFF];
            ac[j + d] = ac[j + d] + g1 + g2;
            theta[j] = Math.fma(g2, a, Math.fma(g1, a, theta[j]));
        }
        return Float.floatToRawIntBits(VectorOps.maxAbs(theta, to, end));
    }

    /** Three arrivals' codes in one pass. */
    static int three(float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, float[] t3, byte[] c3, int co, float[] ac, int off, int len) {
        float a = -FusedLoopAB.lrOverN;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        for (int j = to; j < end; j++) {
            int c = cb + 4 * j;
            float g1 = t1[c1[c] & 0xFF];
            float g2 = t2[c2[c] & 0xFF];
            float g3 = t3[c3[c] & 0xFF];
            ac[j + d] = ac[j + d] + g1 + g2 + g3;
            theta[j] = Math.fma(g3, a, Math.fma(g2, a, Math.fma(g1, a, theta[j])));
        }
        return Float.floatToRawIntBits(VectorOps.maxAbs(theta, to, end));
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        SplittableRandom r = new SplittableRandom(42);
        byte[][] codes = new byte[3][n];
        float[][] tables = new float[3][256];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < n; i++) codes[k][i] = (byte) Math.max(0, Math.min(255, (int) Math.round(128 + 32 * r.nextGaussian())));
            for (int b = 0; b < 256; b++) tables[k][b] = (b - 128) * (3e-5f + 1e-6f * k);
        }
        String[] names = {"2 arrivals, 2 passes", "2 arrivals, 1 pass", "3 arrivals, 3 passes", "3 arrivals, 1 pass"};
        int[] arrivals = {2, 2, 3, 3};
        float[][] theta = new float[names.length][];
        float[][] acc = new float[names.length][];
        for (int v = 0; v < names.length; v++) {
            theta[v] = IngestInputs.theta(n);
            acc[v] = new float[n];
            Arrays.fill(acc[v], 1e-3f); // mid-buffer: earlier arrivals' sum
        }
        double[][] t = new double[names.length][rounds];
        int[] maxes = new int[names.length];
        for (int s = 0; s < rounds + 2; s++) {
            for (int j = 0; j < names.length; j++) {
                int v = (j + s) % names.length; // rotate who goes first
                long c0 = THREADS.getCurrentThreadCpuTime();
                maxes[v] = run(v, theta[v], acc[v], tables, codes, n);
                if (s >= 2) t[v][s - 2] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
            }
        }
        for (int v = 0; v < names.length; v += 2) {
            if (!Arrays.equals(theta[v], theta[v + 1]) || !Arrays.equals(acc[v], acc[v + 1]) || maxes[v] != maxes[v + 1]) {
                throw new IllegalStateException(names[v + 1] + " differs from " + names[v]);
            }
        }
        System.out.printf("n=%,d rounds=%d load=%s%n", n, rounds, loadAvg());
        System.out.println("| variant | CPU ms per round, median (min–max) | CPU-s per GB int8 applied | vs k passes |");
        System.out.println("|---|---:|---:|---:|");
        for (int v = 0; v < names.length; v++) {
            double med = IngestInputs.median(t[v]);
            double base = IngestInputs.median(t[v - v % 2]);
            System.out.printf("| %s | %.1f (%.1f–%.1f) | %.2f | %.2f |%n", names[v], med, Arrays.stream(t[v]).min().orElseThrow(),
                    Arrays.stream(t[v]).max().orElseThrow(), med / 1e3 / (arrivals[v] * (n / 1e9)), med / base);
        }
    }

    /** One round of variant v over θ in 64K-value chunks, four quarter runs each; the bits of max |θ| after its last pass. */
    private static int run(int v, float[] theta, float[] acc, float[][] tables, byte[][] codes, int n) {
        int bits = 0;
        for (int lo = 0; lo < n; lo += CHUNK) {
            int g = Math.min(CHUNK, n - lo) >>> 2;
            for (int q = 0; q < 4; q++) {
                int to = lo + q * g;
                int co = lo + q;
                int b = switch (v) {
                    case 0 -> {
                        FusedLoopAB.production(false, theta, to, tables[0], codes[0], co, acc, to, g);
                        yield FusedLoopAB.production(false, theta, to, tables[1], codes[1], co, acc, to, g);
                    }
                    case 1 -> two(theta, to, tables[0], codes[0], tables[1], codes[1], co, acc, to, g);
                    case 2 -> {
                        FusedLoopAB.production(false, theta, to, tables[0], codes[0], co, acc, to, g);
                        FusedLoopAB.production(false, theta, to, tables[1], codes[1], co, acc, to, g);
                        yield FusedLoopAB.production(false, theta, to, tables[2], codes[2], co, acc, to, g);
                    }
                    default -> three(theta, to, tables[0], codes[0], tables[1], codes[1], tables[2], codes[2], co, acc, to, g);
                };
                bits = Math.max(bits, b);
            }
        }
        return bits;
    }

    /** /proc/loadavg as it reads, or "?". */
    static String loadAvg() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
