package org.diloco4j.bench.ingest;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.ingest.StreamedDelta;
import org.diloco4j.core.optim.DelayedNesterov;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.StepKernel;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.Range;

/**
 * The N-th arrival of a Delayed Nesterov buffer (N = 8, a power of two) through the production path
 * ({@link StreamedDelta} with int8's 64K-value blocks, {@link DelayedNesterov}'s kernels, on the calling
 * thread, max |θ| not taken), per value of θ, in this thread's CPU time:
 * <ul>
 *   <li>the N-th alone: its block decoded into the buffer and then the vectorized kernel (the path before its
 *       fused loop: the same kernel behind a {@link StepKernel} that does not fuse), against the fused loop;</li>
 *   <li>the (N−1)-th and the N-th: as before (fused, then decoded + kernel), two fused passes, and one paired
 *       pass ({@link StreamedDelta#applyPair}).</li>
 * </ul>
 * The two steps' kernels are begun once (arrivals 14 and 15: a later buffer, not the first update) and
 * applied every round without a commit: each round is the same case on the same layout. θ, m and acc are
 * shared by the variants (their values drift round by round; the cost does not depend on them); that the
 * variants give the same bits is checked first on a small θ, each from the same start.
 * Run: {@code scripts/bench-nth-arrival}, or {@code java -Xmx3g -cp bench/target/classes:$(cat bench/target/classpath.txt)
 * org.diloco4j.bench.ingest.NthArrivalAB [n] [rounds] [c]}.
 */
public final class NthArrivalAB {
    private static final int N = 8;
    private static final long ARRIVALS = 2L * N - 2; // the (N−1)-th of the second buffer

    private NthArrivalAB() {
    }

    /** What a round runs; each has its baseline (the path before this change) and the arrivals it applies. */
    enum Variant {
        NTH_DECODED("N-th, decode + kernel", 1), NTH_FUSED("N-th, fused", 1),
        PAIR_BEFORE("(N−1, N): fused + decode + kernel", 2), PAIR_TWO_FUSED("(N−1, N): two fused passes", 2), PAIR_ONE_PASS("(N−1, N): one pass", 2);

        final String label;
        final int arrivals;

        Variant(String label, int arrivals) {
            this.label = label;
            this.arrivals = arrivals;
        }

        Variant baseline() {
            return arrivals == 1 ? NTH_DECODED : PAIR_BEFORE;
        }
    }

    /** θ, one optimizer at the (N−1)-th arrival of its second buffer, and the two pushes (distinct int8 messages). */
    static final class Fixture {
        final int n;
        final float[] theta;
        final Fp32Vector thetaVector;
        final DelayedNesterov dn;
        final StepKernel before;
        final StepKernel nth;
        final StreamedDelta first;
        final StreamedDelta second;
        final Fragment whole;

        Fixture(int n, double c, byte[] msg1, byte[] msg2, Codec int8) {
            this.n = n;
            this.theta = IngestInputs.theta(n);
            this.thetaVector = Fp32Vector.wrap(theta);
            float[] m = new float[n];
            float[] acc = new float[n];
            for (int i = 0; i < n; i++) {
                m[i] = ((i % 997) - 498) * 2e-6f;
                acc[i] = ((i % 991) - 495) * 1e-5f;
            }
            OptimizerState s = OptimizerState.of(DelayedNesterov.KIND, Map.of("arrivals", ARRIVALS, "buffer_size", (long) N),
                    Map.of("momentum", m, "accumulator", acc));
            this.dn = DelayedNesterov.adopting(n, 0.7, 0.9, N, c, s);
            this.before = dn.begin();
            dn.commit();
            this.nth = dn.begin();
            if (!before.pairsWithNext() || !nth.fusesCoded() || !dn.nextUpdatesMomentum()) {
                throw new IllegalStateException("this build does not fuse the N-th arrival or pair the one before it");
            }
            this.whole = new Fragment(0, List.of(new Range(0, n)));
            this.first = scanned(int8, msg1, n);
            this.second = scanned(int8, msg2, n);
        }

        private static StreamedDelta scanned(Codec codec, byte[] msg, int n) {
            StreamedDelta d = new StreamedDelta(codec.blocks(), EncodedSource.of(msg), n);
            if (!d.scan(null).finite()) throw new IllegalStateException("push not finite");
            return d;
        }

        void run(Variant v) {
            // The N-th's kernel behind one that does not fuse: StreamedDelta decodes its blocks first, as before.
            StepKernel decoded = nth::apply;
            switch (v) {
                case NTH_DECODED -> second.apply(whole, decoded, thetaVector, 1f, false, null, false);
                case NTH_FUSED -> second.apply(whole, nth, thetaVector, 1f, false, null, false);
                case PAIR_BEFORE -> {
                    first.apply(whole, before, thetaVector, 1f, false, null, false);
                    second.apply(whole, decoded, thetaVector, 1f, false, null, false);
                }
                case PAIR_TWO_FUSED -> {
                    first.apply(whole, before, thetaVector, 1f, false, null, false);
                    second.apply(whole, nth, thetaVector, 1f, false, null, false);
                }
                case PAIR_ONE_PASS -> first.applyPair(whole, before, 1f, false, second, nth, 1f, false, thetaVector, null, false);
            }
        }

        float[] momentum() {
            return dn.view().buffer("momentum");
        }
    }

    static byte[] push(Codec codec, int n, long seed) {
        float[] g = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) g[i] = (float) (1e-3 * r.nextGaussian());
        return codec.encode(g);
    }

    /** Every variant from the same start on a small θ: those of one baseline end with the same θ and m, bit for bit. */
    private static void checkBits(Codec int8, double c) {
        int n = (1 << 20) + 4_099; // int8's last values (a stride-1 run) too
        byte[] m1 = push(int8, n, 1);
        byte[] m2 = push(int8, n, 2);
        Map<Variant, Fixture> ran = new java.util.EnumMap<>(Variant.class);
        for (Variant v : Variant.values()) {
            Fixture f = new Fixture(n, c, m1, m2, int8);
            f.run(v);
            ran.put(v, f);
        }
        for (Variant v : Variant.values()) {
            Fixture b = ran.get(v.baseline());
            Fixture f = ran.get(v);
            if (!Arrays.equals(f.theta, b.theta) || !Arrays.equals(f.momentum(), b.momentum())) {
                throw new IllegalStateException(v.label + " differs from " + v.baseline().label);
            }
        }
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        double c = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        Codec int8 = Codecs.parse("int8");
        checkBits(int8, c);
        Fixture f = new Fixture(n, c, push(int8, n, 1), push(int8, n, 2), int8);
        Variant[] vs = Variant.values();
        double[][] t = RotatedRounds.cpuMs(vs.length, rounds, i -> f.run(vs[i]));
        System.out.printf("n=%,d N=%d c=%s rounds=%d (2 warm-up rounds not counted) load=%s%n", n, N, c, rounds, PairedArrivalsAB.loadAvg());
        RotatedRounds.print("before", n, t, Arrays.stream(vs).map(v -> new RotatedRounds.Row(v.label, v.name(), v.arrivals, v.baseline().ordinal()))
                .toArray(RotatedRounds.Row[]::new));
    }
}
