package org.diloco4j.core.optim;

import java.util.Map;
import java.util.Random;

import org.diloco4j.core.params.Fp32Vector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StepKernel#applyCodedPair} — a step and the optimizer's next one on the same elements in one
 * pass — leaves θ and every buffer exactly as the two {@link StepKernel#applyCoded} calls one after the
 * other: for Delayed Nesterov between momentum updates and, N a power of two, the arrival before the N-th
 * with the N-th (c = 0 and c &gt; 0, the first pair of a buffer and later ones, N = 2 where the first of a
 * buffer is the one before the N-th, the first momentum update and later ones), with int8-like values and
 * with ±0 and subnormal ones, on the paired loops (stride 4, stepped with no scratch: only a decoding
 * default would use one) and the two-call default (stride 1), plain and chunked optimizers; and which
 * steps say they pair.
 */
class StepKernelPairTest {
    static final int SIZE = 5_003;

    @ParameterizedTest
    @CsvSource({"4, 0, 31, GAUSSIAN", "4, 0.1, 31, GAUSSIAN", "8, 0, 31, GAUSSIAN", "3, 0.2, 31, GAUSSIAN", "8, 0, 10, GAUSSIAN",
            "2, 0, 31, GAUSSIAN", "2, 0.3, 31, GAUSSIAN", "2, 0, 10, GAUSSIAN", "8, 0.05, 10, GAUSSIAN", "6, 0.1, 31, GAUSSIAN", "6, 0, 31, GAUSSIAN",
            "2, 0, 31, TINY", "2, 0.3, 31, TINY", "4, 0, 31, TINY", "4, 0.1, 31, TINY", "8, 0.05, 31, TINY"})
    void aPairedPassEqualsTwoStepsBitForBit(int n, double c, int shift, StepKernelCodedTest.Values values) {
        OuterOptimizerConfig cfg = OuterOptimizerConfig.delayedNesterov(0.7, 0.9, n, c);
        OuterOptimizer paired = shift == 31 ? cfg.create(SIZE) : ChunkedOptimizer.create(cfg, SIZE, shift);
        OuterOptimizer twice = shift == 31 ? cfg.create(SIZE) : ChunkedOptimizer.create(cfg, SIZE, shift);
        Random r = new Random(5);
        int thetaOff = 37;
        float[] thetaPaired = new float[SIZE + 100];
        for (int i = 0; i < thetaPaired.length; i++) thetaPaired[i] = (float) r.nextGaussian();
        float[] thetaTwice = thetaPaired.clone();
        int pairs = 0;
        for (int k = 0; k < 3 * n; ) {
            StepKernel a = paired.begin();
            StepKernel a2 = twice.begin();
            assertThat(a.pairsWithNext()).isEqualTo(a2.pairsWithNext());
            // Between momentum updates, an arrival pairs with the next; with the N-th only when N is a power of two.
            long pos = k % n;
            boolean powerOfTwo = Integer.bitCount(n) == 1;
            assertThat(a.pairsWithNext()).as("arrival %d of N = %d", k, n).isEqualTo(pos + 1 < n - 1 || pos + 1 == n - 1 && powerOfTwo);
            float[] t1 = values.table(r);
            float[] t2 = values.table(r);
            byte[] c1 = new byte[4 * SIZE + 16];
            byte[] c2 = new byte[4 * SIZE + 16];
            r.nextBytes(c1);
            r.nextBytes(c2);
            int[][] runs = {{0, 3_000, 5, 4}, {3_000, SIZE - 3_000, 13_000, 1}};
            float[] scratch = new float[1_000];
            if (!a.pairsWithNext()) {
                for (int[] run : runs) {
                    a.applyCoded(thetaPaired, thetaOff + run[0], t1, c1, run[2], run[3], run[0], run[1], scratch);
                    a2.applyCoded(thetaTwice, thetaOff + run[0], t1, c1, run[2], run[3], run[0], run[1], scratch);
                }
                paired.commit();
                twice.commit();
                k++;
                continue;
            }
            // The one-pass side begins the second step after the first's commit, as OuterState does.
            paired.commit();
            StepKernel b = paired.begin();
            assertThat(b.fusesCoded()).as("the pair's second step fuses").isTrue();
            for (int i = 0; i < runs.length; i++) {
                int[] run = runs[i];
                a.applyCodedPair(b, thetaPaired, thetaOff + run[0], t1, c1, t2, c2, run[2], run[3], run[0], run[1], run[3] == 4 ? null : scratch);
                a2.applyCoded(thetaTwice, thetaOff + run[0], t1, c1, run[2], run[3], run[0], run[1], scratch);
            }
            twice.commit();
            StepKernel b2 = twice.begin();
            for (int i = 0; i < runs.length; i++) {
                int[] run = runs[i];
                b2.applyCoded(thetaTwice, thetaOff + run[0], t2, c2, run[2], run[3], run[0], run[1], scratch);
            }
            paired.commit();
            twice.commit();
            pairs++;
            k += 2;
            assertThat(thetaPaired).as("θ after arrivals %d and %d", k - 2, k - 1).isEqualTo(thetaTwice);
            OptimizerState w = twice.state();
            OptimizerState g = paired.state();
            assertThat(g.counters()).isEqualTo(w.counters());
            for (Map.Entry<String, Fp32Vector> e : w.buffers().entrySet()) {
                assertThat(g.buffers().get(e.getKey()).toArray()).as(e.getKey()).isEqualTo(e.getValue().toArray());
            }
        }
        assertThat(pairs).as("pairs stepped").isPositive();
    }
}
