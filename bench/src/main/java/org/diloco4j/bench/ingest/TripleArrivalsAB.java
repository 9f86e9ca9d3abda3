package org.diloco4j.bench.ingest;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import org.diloco4j.core.optim.DelayedNesterov;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.StepKernel;

/**
 * Three queued int8 arrivals of one Delayed Nesterov buffer (N = 8) applied by {@link DelayedNesterov}'s kernels
 * on int8's layout (64K-value chunks, each four quarter runs of every fourth code byte; the kernel alone, not
 * StreamedDelta's block reading), per value of θ, in this thread's CPU time: {@link StepKernel#applyCodedTriple}
 * (one pass) against the pair's pass then the third's fused pass (the interface's default, what runs without
 * the triple loops), and three fused passes for reference. Two positions: mid-buffer (arrivals 2–4 of a later
 * buffer) and ending with the N-th (6–8: the momentum update). The kernels are begun once (the optimizer's
 * arrival count moved by commits between them) and applied every round without a commit: each round is the same
 * cases on the same layout; θ, m and acc drift round by round, which the cost does not depend on. That the
 * variants give the same bits is checked first on a small θ, each from the same start.
 * Run: {@code scripts/bench-triple-arrivals}, or {@code java -Xmx3g -cp bench/target/classes:$(cat bench/target/classpath.txt)
 * org.diloco4j.bench.ingest.TripleArrivalsAB [n] [rounds] [c]}.
 */
public final class TripleArrivalsAB {
    private static final int N = 8;
    private static final int CHUNK = 1 << 16;

    private TripleArrivalsAB() {
    }

    /** What a round runs: where the three arrivals fall in their buffer, and how they are applied. */
    enum Variant {
        MID_THREE("mid-buffer: three passes", false, 0), MID_PAIR_ONE("mid-buffer: pair + one", false, 1), MID_TRIPLE("mid-buffer: triple", false, 2),
        END_THREE("ending with the N-th: three passes", true, 0), END_PAIR_ONE("ending with the N-th: pair + one", true, 1),
        END_TRIPLE("ending with the N-th: triple", true, 2);

        final String label;
        final boolean endsWithMean;
        /** 0: three applyCoded, 1: applyCodedPair then applyCoded, 2: applyCodedTriple. */
        final int passes;

        Variant(String label, boolean endsWithMean, int passes) {
            this.label = label;
            this.endsWithMean = endsWithMean;
            this.passes = passes;
        }

        /** The variant this one is compared with: pair + one, the path without the triple loops. */
        Variant baseline() {
            return endsWithMean ? END_PAIR_ONE : MID_PAIR_ONE;
        }
    }

    /** θ, one optimizer in its second buffer, the kernels of arrivals 9–11 and 13–15, and three pushes' codes and tables. */
    static final class Fixture {
        final int n;
        final float[] theta;
        final DelayedNesterov dn;
        final StepKernel[] mid = new StepKernel[3];
        final StepKernel[] end = new StepKernel[3];
        final byte[][] codes;
        final float[][] tables;

        Fixture(int n, double c, byte[][] codes, float[][] tables) {
            if (n % 4 != 0) throw new IllegalArgumentException("n must be a multiple of 4 (whole quarter runs), got " + n);
            this.n = n;
            this.theta = IngestInputs.theta(n);
            this.codes = codes;
            this.tables = tables;
            float[] m = new float[n];
            float[] acc = new float[n];
            for (int i = 0; i < n; i++) {
                m[i] = ((i % 997) - 498) * 2e-6f;
                acc[i] = ((i % 991) - 495) * 1e-5f;
            }
            OptimizerState s = OptimizerState.of(DelayedNesterov.KIND, Map.of("arrivals", (long) N + 1, "buffer_size", (long) N),
                    Map.of("momentum", m, "accumulator", acc));
            this.dn = DelayedNesterov.adopting(n, 0.7, 0.9, N, c, s);
            for (int k = 0; k < 3; k++) {
                mid[k] = dn.begin();
                dn.commit();
            }
            dn.commit();
            for (int k = 0; k < 3; k++) {
                end[k] = dn.begin();
                dn.commit();
            }
            if (!mid[0].pairsWithNext() || !mid[1].pairsWithNext() || !end[0].pairsWithNext() || !end[1].pairsWithNext()) {
                throw new IllegalStateException("this build's kernels do not pair where a triple needs them to");
            }
        }

        /** One round of variant v over θ in 64K-value chunks, four quarter runs each. */
        void run(Variant v) {
            StepKernel[] k = v.endsWithMean ? end : mid;
            for (int lo = 0; lo < n; lo += CHUNK) {
                int g = Math.min(CHUNK, n - lo) >>> 2;
                for (int q = 0; q < 4; q++) {
                    int to = lo + q * g;
                    int co = lo + q;
                    switch (v.passes) {
                        case 0 -> {
                            for (int s = 0; s < 3; s++) k[s].applyCoded(theta, to, tables[s], codes[s], co, 4, to, g, null);
                        }
                        case 1 -> {
                            k[0].applyCodedPair(k[1], theta, to, tables[0], codes[0], tables[1], codes[1], co, 4, to, g, null);
                            k[2].applyCoded(theta, to, tables[2], codes[2], co, 4, to, g, null);
                        }
                        default -> k[0].applyCodedTriple(k[1], k[2], theta, to, tables[0], codes[0], tables[1], codes[1], tables[2], codes[2],
                                co, 4, to, g, null);
                    }
                }
            }
        }

        float[] buffer(String name) {
            return dn.view().buffer(name);
        }
    }

    /** Three pushes' int8-like codes (Gaussian around 128) and tables (each its own scale, as weighted pushes). */
    static byte[][] codes(int n) {
        SplittableRandom r = new SplittableRandom(42);
        byte[][] codes = new byte[3][n];
        for (byte[] c : codes) for (int i = 0; i < n; i++) c[i] = (byte) Math.max(0, Math.min(255, (int) Math.round(128 + 32 * r.nextGaussian())));
        return codes;
    }

    static float[][] tables() {
        float[][] t = new float[3][256];
        for (int k = 0; k < 3; k++) for (int b = 0; b < 256; b++) t[k][b] = (b - 128) * (3e-5f + 1e-6f * k);
        return t;
    }

    /** Every variant from the same start on a small θ: those of one position end with the same θ, m and acc, bit for bit. */
    private static void checkBits(double c) {
        int n = (1 << 20) + 4_100; // a short last chunk too
        byte[][] codes = codes(n);
        float[][] tables = tables();
        Map<Variant, Fixture> ran = new java.util.EnumMap<>(Variant.class);
        for (Variant v : Variant.values()) {
            Fixture f = new Fixture(n, c, codes, tables);
            f.run(v);
            ran.put(v, f);
        }
        for (Variant v : Variant.values()) {
            Fixture b = ran.get(v.baseline());
            Fixture f = ran.get(v);
            // acc after the N-th is dead (view() reports zeros), so compare it only mid-buffer.
            if (!Arrays.equals(f.theta, b.theta) || !Arrays.equals(f.buffer("momentum"), b.buffer("momentum"))
                    || !v.endsWithMean && !Arrays.equals(f.buffer("accumulator"), b.buffer("accumulator"))) {
                throw new IllegalStateException(v.label + " differs from " + v.baseline().label);
            }
        }
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        double c = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        checkBits(c);
        Fixture f = new Fixture(n, c, codes(n), tables());
        Variant[] vs = Variant.values();
        double[][] t = RotatedRounds.cpuMs(vs.length, rounds, i -> f.run(vs[i]));
        System.out.printf("n=%,d N=%d c=%s rounds=%d (2 warm-up rounds not counted) load=%s%n", n, N, c, rounds, PairedArrivalsAB.loadAvg());
        RotatedRounds.print("pair + one", n, t, Arrays.stream(vs).map(v -> new RotatedRounds.Row(v.label, v.name(), 3, v.baseline().ordinal()))
                .toArray(RotatedRounds.Row[]::new));
    }
}
