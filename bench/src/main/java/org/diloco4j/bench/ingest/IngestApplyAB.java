package org.diloco4j.bench.ingest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

import org.diloco4j.core.codec.BlockDecoder;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.ingest.StreamedDelta;
import org.diloco4j.core.optim.DelayedNesterov;
import org.diloco4j.core.optim.StepKernel;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;

/**
 * The int8 apply two ways in one JVM, push by push in alternating order, so both see the same load
 * on a shared machine: <b>decoded first</b> — what {@link StreamedDelta#apply} did before the fused
 * kernels: each 64K block decoded (scaled) into a buffer, the DN kernel's vectorized loop on it,
 * then max |θ| — and <b>fused</b>, {@link StreamedDelta#apply} now (DN looks each value up through
 * the table inside its loop). Two DN optimizers (N = 4, c = 0) and two θ are stepped side by side
 * and must end bit for bit equal (the run fails otherwise). Each push is timed by this thread's CPU
 * clock (both run on it alone); per DN case, the median and min–max CPU-s per GB of int8.
 * Run: {@code scripts/bench-ingest} (after the main table), or
 * {@code java -Xmx4g -cp bench/target/classes:$(cat bench/target/classpath.txt) org.diloco4j.bench.ingest.IngestApplyAB [n ...]}.
 */
public final class IngestApplyAB {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Buffers of N = 4 timed after the warm-up ones. */
    private static final int BUFFERS = 8;
    private static final int WARM_BUFFERS = 2;

    private IngestApplyAB() {
    }

    public static void main(String[] args) {
        int[] sizes = IngestInputs.sizes(args);
        System.out.println("| params | factor | arrivals | decoded first: CPU-s per GB, median (min–max) | fused: CPU-s per GB, median (min–max) | fused / decoded first | pushes each |");
        System.out.println("|---:|---:|---|---:|---:|---:|---:|");
        for (int n : sizes) {
            Codec int8 = Codecs.parse("int8");
            byte[] msg = IngestInputs.push(int8, n);
            for (float factor : new float[] {1f, 0.7071f}) run(n, msg, int8.blocks(), factor);
        }
    }

    private static void run(int n, byte[] msg, BlockDecoder d, float factor) {
        System.gc();
        boolean scale = factor != 1f;
        float[] thetaOld = IngestInputs.theta(n);
        float[] thetaNew = thetaOld.clone();
        DelayedNesterov dnOld = new DelayedNesterov(n, 0.7, 0.9, 4, 0);
        DelayedNesterov dnNew = new DelayedNesterov(n, 0.7, 0.9, 4, 0);
        Fragment whole = new Fragment(0, List.of(new Range(0, n)));
        StreamedDelta s = new StreamedDelta(d, EncodedSource.of(msg), n);
        byte[] bytes = new byte[d.blockBytes(d.blockValues())];
        float[] values = new float[d.blockValues()];
        double[][] old = new double[2][];
        double[][] neu = new double[2][];
        int[] count = new int[2];
        old[0] = new double[3 * BUFFERS];
        neu[0] = new double[3 * BUFFERS];
        old[1] = new double[BUFFERS];
        neu[1] = new double[BUFFERS];
        for (int k = 0; k < 4 * (WARM_BUFFERS + BUFFERS); k++) {
            int kind = dnOld.nextUpdatesMomentum() ? 1 : 0;
            double tOld = 0;
            double tNew = 0;
            // Alternate which goes first, so neither always runs on caches the other warmed.
            for (int turn = 0; turn < 2; turn++) {
                long c0 = THREADS.getCurrentThreadCpuTime();
                float maxOld = 0;
                float maxNew = 0;
                if ((turn == 0) == (k % 2 == 0)) {
                    maxOld = decodedFirst(d, msg, n, dnOld, thetaOld, bytes, values, factor, scale);
                    tOld = (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
                } else {
                    maxNew = s.apply(whole, dnNew.begin(), thetaNew, factor, scale, null);
                    dnNew.commit();
                    tNew = (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
                }
                if (Float.isNaN(maxOld + maxNew)) throw new IllegalStateException("θ not finite");
            }
            if (k >= 4 * WARM_BUFFERS) {
                old[kind][count[kind]] = tOld;
                neu[kind][count[kind]++] = tNew;
            }
        }
        if (!Arrays.equals(thetaOld, thetaNew)) throw new IllegalStateException("fused and decoded-first θ differ at " + n + " params");
        double gb = msg.length / 1e9;
        String[] names = {"accumulating", "momentum"};
        for (int kind = 0; kind < 2; kind++) {
            double mo = IngestInputs.median(old[kind]) / gb;
            double mn = IngestInputs.median(neu[kind]) / gb;
            System.out.printf("| %,d | %s | %s | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.2f | %d |%n", n, scale ? "0.7071" : "1", names[kind],
                    mo, min(old[kind]) / gb, max(old[kind]) / gb, mn, min(neu[kind]) / gb, max(neu[kind]) / gb, mn / mo, old[kind].length);
        }
    }

    /** The apply before the fused kernels: each block decoded (scaled) into a buffer, the kernel, then max |θ|. */
    private static float decodedFirst(BlockDecoder d, byte[] msg, int n, DelayedNesterov dn, float[] theta, byte[] bytes, float[] values, float factor,
            boolean scale) {
        StepKernel kernel = dn.begin();
        float max = 0;
        for (int b = 0, blocks = d.blocks(n); b < blocks; b++) {
            int lo = b * d.blockValues();
            int m = Math.min(d.blockValues(), n - lo);
            System.arraycopy(msg, (int) d.blockOffset(b), bytes, 0, d.blockBytes(m));
            if (scale) d.decodeBlock(b, bytes, 0, m, values, 0, factor);
            else d.decodeBlock(b, bytes, 0, m, values, 0);
            kernel.apply(theta, lo, values, 0, lo, m);
            max = Math.max(max, VectorOps.maxAbs(theta, lo, lo + m));
        }
        dn.commit();
        return max;
    }

    private static double min(double[] x) {
        return Arrays.stream(x).min().orElseThrow();
    }

    private static double max(double[] x) {
        return Arrays.stream(x).max().orElseThrow();
    }
}
