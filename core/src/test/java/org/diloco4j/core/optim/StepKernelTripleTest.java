package org.diloco4j.core.optim;

import java.util.Map;
import java.util.Random;

import org.diloco4j.core.params.Fp32Vector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StepKernel#applyCodedTriple} — a step and the optimizer's next two on the same elements in one
 * pass — leaves θ and every buffer the state reports exactly as three {@link StepKernel#applyCoded} calls
 * one after the other: Delayed Nesterov with c = 0 and c &gt; 0, triples starting a buffer and later ones,
 * ending with the N-th arrival (N a power of two; the first momentum update takes the default) or not,
 * N = 2 and 3 (no triple is possible: no step pairs with a next that pairs), table values scaled as a
 * weighted push's are, on the fused loops (stride 4, no scratch: only a decoding default would use one)
 * and the default (stride 1), plain and chunked optimizers.
 */
class StepKernelTripleTest {
    static final int SIZE = 5_003;
    /** Arrivals applied one at a time at the start of buffer b before grouping, so triples start at every position. */
    static final int[] SINGLES = {1, 0, 1, 2, 0, 2};

    @ParameterizedTest
    @CsvSource({"2, 0, 31, GAUSSIAN, 1", "2, 0.3, 10, GAUSSIAN, 1", "3, 0, 31, GAUSSIAN, 1", "3, 0.2, 10, GAUSSIAN, 1",
            "4, 0, 31, GAUSSIAN, 1", "4, 0.1, 31, GAUSSIAN, 0.37", "4, 0, 10, GAUSSIAN, 0.37", "4, 0.1, 10, GAUSSIAN, 1",
            "8, 0, 31, GAUSSIAN, 0.37", "8, 0.05, 31, GAUSSIAN, 1", "8, 0, 10, GAUSSIAN, 1", "8, 0.05, 10, GAUSSIAN, 0.37",
            "6, 0.1, 31, GAUSSIAN, 1", "6, 0, 10, GAUSSIAN, 1",
            "4, 0, 31, TINY, 1", "4, 0.1, 31, TINY, 1", "8, 0.05, 31, TINY, 1"})
    void aTriplePassEqualsThreeStepsBitForBit(int n, double c, int shift, StepKernelCodedTest.Values values, float scale) {
        OuterOptimizerConfig cfg = OuterOptimizerConfig.delayedNesterov(0.7, 0.9, n, c);
        OuterOptimizer grouped = shift == 31 ? cfg.create(SIZE) : ChunkedOptimizer.create(cfg, SIZE, shift);
        OuterOptimizer single = shift == 31 ? cfg.create(SIZE) : ChunkedOptimizer.create(cfg, SIZE, shift);
        Random r = new Random(7);
        int thetaOff = 37;
        float[] thetaGrouped = new float[SIZE + 100];
        for (int i = 0; i < thetaGrouped.length; i++) thetaGrouped[i] = (float) r.nextGaussian();
        float[] thetaSingle = thetaGrouped.clone();
        int[][] runs = {{0, 3_000, 5, 4}, {3_000, SIZE - 3_000, 13_000, 1}};
        float[] scratch = new float[1_000];
        int triples = 0;
        for (int k = 0; k < SINGLES.length * n; ) {
            float[][] tables = new float[3][];
            byte[][] codes = new byte[3][4 * SIZE + 16];
            for (int q = 0; q < 3; q++) {
                tables[q] = values.table(r);
                for (int b = 0; b < 256; b++) tables[q][b] *= scale;
                r.nextBytes(codes[q]);
            }
            // The grouped side begins each next step after the previous one's commit, as OuterState does.
            StepKernel a = grouped.begin();
            boolean alone = k % n < SINGLES[k / n];
            int steps;
            if (alone || !a.pairsWithNext()) {
                for (int[] run : runs) a.applyCoded(thetaGrouped, thetaOff + run[0], tables[0], codes[0], run[2], run[3], run[0], run[1], scratch);
                steps = 1;
            } else {
                grouped.commit();
                StepKernel b = grouped.begin();
                if (!b.pairsWithNext()) {
                    for (int[] run : runs) {
                        a.applyCodedPair(b, thetaGrouped, thetaOff + run[0], tables[0], codes[0], tables[1], codes[1], run[2], run[3], run[0], run[1], scratch);
                    }
                    steps = 2;
                } else {
                    grouped.commit();
                    StepKernel t = grouped.begin();
                    assertThat(t.fusesCoded()).as("the triple's third step fuses").isTrue();
                    for (int[] run : runs) {
                        a.applyCodedTriple(b, t, thetaGrouped, thetaOff + run[0], tables[0], codes[0], tables[1], codes[1], tables[2], codes[2],
                                run[2], run[3], run[0], run[1], run[3] == 4 ? null : scratch);
                    }
                    steps = 3;
                    triples++;
                }
            }
            grouped.commit();
            for (int s = 0; s < steps; s++) {
                StepKernel one = single.begin();
                for (int[] run : runs) one.applyCoded(thetaSingle, thetaOff + run[0], tables[s], codes[s], run[2], run[3], run[0], run[1], scratch);
                single.commit();
            }
            k += steps;
            assertThat(thetaGrouped).as("θ after arrivals %d..%d", k - steps, k - 1).isEqualTo(thetaSingle);
            OptimizerState w = single.state();
            OptimizerState g = grouped.state();
            assertThat(g.counters()).isEqualTo(w.counters());
            for (Map.Entry<String, Fp32Vector> e : w.buffers().entrySet()) {
                assertThat(g.buffers().get(e.getKey()).toArray()).as("%s after arrivals %d..%d", e.getKey(), k - steps, k - 1)
                        .isEqualTo(e.getValue().toArray());
            }
        }
        // A triple needs a step pairing with a next that pairs: an arrival two before the N-th at the latest (N ≥ 4).
        if (n <= 3) assertThat(triples).as("triples stepped").isZero();
        else assertThat(triples).as("triples stepped").isPositive();
    }
}
