package org.diloco4j.core.optim;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StepKernel#applyCoded} (g looked up through a table by byte codes at a stride: int8's
 * quarter runs, stride 4, and its last values, stride 1) leaves θ and every optimizer buffer exactly
 * as decoding g into an fp32 array and calling {@link StepKernel#apply} does, and returns the bits
 * of max |θ| over what it wrote — for every outer optimizer and every Delayed Nesterov case (c = 0
 * and c &gt; 0 between momentum updates, N = 1, the N-th arrival, the first buffer and later ones),
 * with tables that are scaled (a stale push) or not, and a scratch smaller than a run (the default's
 * pieces); and which steps fuse: every Delayed Nesterov step but the N-th arrival's when N is not a power
 * of two (its fused loop multiplies by 1/N, the same bits as dividing only for N = 2^k), shown by a
 * stride-4 run stepped with no scratch (the decoding default would need one), also with tables of
 * ±0 and subnormal values only, where (acc + g)/N rounds.
 */
class StepKernelCodedTest {
    /** StepKernelTest's optimizers, and N = 4 with c &gt; 0 (the bench's buffer), N = 2, 4 and 8 with c = 0, N = 2 and 8 with c &gt; 0, and N = 6. */
    static List<OuterOptimizerConfig> optimizers() {
        return Stream.concat(StepKernelTest.configs().stream(), Stream.of(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 4, 0.1),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0), OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0.3),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 4, 0), OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 8, 0),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 8, 0.05), OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 6, 0.1))).toList();
    }

    /** What the coded g values are: int8-like (0.01 × Gaussian), or ±0 and subnormals only, where (acc + g)/N rounds and −0 stays −0 or not. */
    enum Values {
        GAUSSIAN, TINY;

        float[] table(Random r) {
            float[] t = new float[256];
            for (int c = 0; c < 256; c++) {
                t[c] = switch (this) {
                    case GAUSSIAN -> (float) (0.01 * r.nextGaussian());
                    case TINY -> c < 32 ? (c % 2 == 0 ? -0f : 0f) : (r.nextBoolean() ? -1 : 1) * Float.MIN_VALUE * (1 + r.nextInt(1_000));
                };
            }
            return t;
        }
    }

    /** Delayed Nesterov's step fuses the coded lookup unless it is the N-th arrival (N &gt; 1) and N is not a power of two. */
    static boolean fuses(DelayedNesterov dn) {
        int n = dn.bufferSize();
        return !(n > 1 && dn.nextUpdatesMomentum()) || Integer.bitCount(n) == 1;
    }

    @ParameterizedTest
    @MethodSource("delayedNesterovs")
    void tinyCodedValuesEqualDecodedStepsBitForBit(OuterOptimizerConfig cfg) {
        codedStepsEqualDecodedSteps(cfg, StepKernel::applyCoded, Values.TINY);
    }

    @ParameterizedTest
    @MethodSource("delayedNesterovs")
    void tinyCodedValuesOnFarLoopsEqualDecodedStepsBitForBit(OuterOptimizerConfig cfg) {
        codedStepsEqualDecodedSteps(cfg, DelayedNesterovFar.STEP, Values.TINY);
    }

    static final int SIZE = 5_003;

    @ParameterizedTest
    @MethodSource("optimizers")
    void codedStepsEqualDecodedStepsBitForBit(OuterOptimizerConfig cfg) {
        codedStepsEqualDecodedSteps(cfg, StepKernel::applyCoded, Values.GAUSSIAN);
    }

    /** Delayed Nesterov's other loops, those for θ runs past 2^29 values (one array past 2 GiB), on a small θ. */
    static List<OuterOptimizerConfig> delayedNesterovs() {
        return optimizers().stream().filter(c -> c.create(1) instanceof DelayedNesterov).toList();
    }

    @ParameterizedTest
    @MethodSource("delayedNesterovs")
    void farLoopsEqualDecodedStepsBitForBit(OuterOptimizerConfig cfg) {
        codedStepsEqualDecodedSteps(cfg, DelayedNesterovFar.STEP, Values.GAUSSIAN);
    }

    /** The FROM_ZERO loops, whatever the run's place. */
    private static final class DelayedNesterovFar {
        static final CodedStep STEP = (k, theta, thetaOff, table, codes, at, stride, off, len, scratch) ->
                ((DelayedNesterov.Step) k).applyCoded(DelayedNesterov.LoopShape.FROM_ZERO, theta, thetaOff, table, codes, at, stride, off, len, scratch);
    }

    /** θ's index is counted while the run ends at or below 2^29 (4·index then fits an int); past it, i from 0. */
    @org.junit.jupiter.api.Test
    void theLoopShapeFollowsWhereTheRunEnds() {
        int end = 1 << 29;
        assertThat(DelayedNesterov.LoopShape.of(0, 16_384)).isEqualTo(DelayedNesterov.LoopShape.THETA_INDEX);
        assertThat(DelayedNesterov.LoopShape.of(end - 16_384, 16_384)).as("ends at 2^29").isEqualTo(DelayedNesterov.LoopShape.THETA_INDEX);
        assertThat(DelayedNesterov.LoopShape.of(end - 16_384, 16_385)).as("ends one past").isEqualTo(DelayedNesterov.LoopShape.FROM_ZERO);
        assertThat(DelayedNesterov.LoopShape.of(end, 1)).isEqualTo(DelayedNesterov.LoopShape.FROM_ZERO);
        assertThat(DelayedNesterov.LoopShape.of(Integer.MAX_VALUE - 16_384, 16_384)).isEqualTo(DelayedNesterov.LoopShape.FROM_ZERO);
    }

    /** How a test steps a coded run: the kernel's own applyCoded, or one of its loop shapes. */
    @FunctionalInterface
    interface CodedStep {
        void apply(StepKernel k, float[] theta, int thetaOff, float[] table, byte[] codes, int codeOff, int stride, int off, int len, float[] scratch);
    }

    private static void codedStepsEqualDecodedSteps(OuterOptimizerConfig cfg, CodedStep step, Values values) {
        Random r = new Random(11);
        OuterOptimizer coded = cfg.create(SIZE);
        OuterOptimizer decoded = cfg.create(SIZE);
        int fused = 0;
        // θ of the fragment lies at an offset in a longer array, as a fragment's range does.
        int thetaOff = 37;
        float[] thetaCoded = new float[SIZE + 100];
        for (int i = 0; i < thetaCoded.length; i++) thetaCoded[i] = (float) r.nextGaussian();
        float[] thetaDecoded = thetaCoded.clone();
        // Nine arrivals at least: crosses N = 3 and N = 4 buffers three and two times; two buffers and one more for N up to 8.
        int arrivals = coded instanceof DelayedNesterov dn ? Math.max(9, 2 * dn.bufferSize() + 1) : 9;
        for (int k = 0; k < arrivals; k++) {
            float[] table = values.table(r);
            if (k % 2 == 1) {
                float factor = 0.7071f;
                for (int c = 0; c < 256; c++) table[c] *= factor; // a stale push's scaled table, as TableBlocks.table makes it
            }
            byte[] codes = new byte[4 * SIZE + 16];
            r.nextBytes(codes);
            boolean fuses = coded instanceof DelayedNesterov dn && fuses(dn);
            StepKernel c = coded.begin();
            StepKernel d = decoded.begin();
            if (coded instanceof DelayedNesterov) assertThat(c.fusesCoded()).as("fuses, arrival %d", k).isEqualTo(fuses);
            float[] scratch = new float[1_000]; // smaller than a run: the default goes in pieces
            // [0, 3000) as a stride-4 run from byte 5, [3000, SIZE) as a stride-1 run from byte 13000.
            int[][] runs = {{0, 3_000, 5, 4}, {3_000, SIZE - 3_000, 13_000, 1}};
            for (int[] run : runs) {
                int off = run[0], len = run[1], at = run[2], stride = run[3];
                // A fused step's stride-4 run gets no scratch: only the decoding default would use one.
                boolean noScratch = fuses && stride == 4;
                step.apply(c, thetaCoded, thetaOff + off, table, codes, at, stride, off, len, noScratch ? null : scratch);
                if (noScratch) fused++;
                float[] g = new float[len];
                for (int i = 0; i < len; i++) g[i] = table[codes[at + i * stride] & 0xFF];
                d.apply(thetaDecoded, thetaOff + off, g, 0, off, len);
            }
            coded.commit();
            decoded.commit();
            assertThat(thetaCoded).as("θ after arrival %d", k).isEqualTo(thetaDecoded);
            OptimizerState want = decoded.state();
            OptimizerState got = coded.state();
            assertThat(got.counters()).isEqualTo(want.counters());
            for (Map.Entry<String, float[]> e : want.arrays().entrySet()) {
                assertThat(got.buffer(e.getKey())).as("%s after arrival %d", e.getKey(), k).isEqualTo(e.getValue());
            }
        }
        if (coded instanceof DelayedNesterov) assertThat(fused).as("fused runs").isPositive();
    }
}
