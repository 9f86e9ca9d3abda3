package org.diloco4j.core.optim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An outer step applied range by range — random cuts, in a shuffled order, through {@code begin},
 * the kernel on each range and {@code commit} — leaves θ and every buffer bit for bit as one
 * whole-vector {@code step} does, for every optimizer and every case of Delayed Nesterov (N = 1 and
 * N &gt; 1, c = 0 and c &gt; 0, first buffer and later ones).
 */
class StepKernelTest {
    static final int N = 1003;

    static List<OuterOptimizerConfig> configs() {
        return List.of(OuterOptimizerConfig.sgd(0.7), OuterOptimizerConfig.diloco(), OuterOptimizerConfig.momentum(0.5, 0.9),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 1, 0), OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 1, 1),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0), OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0.2));
    }

    @ParameterizedTest
    @MethodSource("configs")
    void aStepAppliedRangeByRangeInAnyOrderIsTheWholeStep(OuterOptimizerConfig cfg) {
        Random r = new Random(11);
        OuterOptimizer whole = cfg.create(N);
        OuterOptimizer ranged = cfg.create(N);
        float[] thetaWhole = new float[N];
        for (int i = 0; i < N; i++) thetaWhole[i] = (float) r.nextGaussian();
        // θ of the ranged run sits at an offset in a longer array, as a fragment's range does in the model.
        int at = 17;
        float[] thetaRanged = new float[N + 40];
        System.arraycopy(thetaWhole, 0, thetaRanged, at, N);
        for (int step = 0; step < 8; step++) {
            float[] g = new float[N];
            for (int i = 0; i < N; i++) g[i] = (float) (0.1 * r.nextGaussian());
            whole.step(thetaWhole, g);
            StepKernel k = ranged.begin();
            for (int[] cut : shuffledCuts(r)) {
                // g handed over in a buffer of its own, as a decoded block is.
                float[] block = new float[cut[1] + 5];
                System.arraycopy(g, cut[0], block, 5, cut[1]);
                k.apply(thetaRanged, at + cut[0], block, 5, cut[0], cut[1]);
            }
            ranged.commit();
            for (int i = 0; i < N; i++) {
                assertThat(Float.floatToRawIntBits(thetaRanged[at + i])).as("step %d, θ[%d]", step, i).isEqualTo(Float.floatToRawIntBits(thetaWhole[i]));
            }
            OptimizerState a = whole.state();
            OptimizerState b = ranged.state();
            assertThat(b.counters()).isEqualTo(a.counters());
            for (Map.Entry<String, float[]> e : a.arrays().entrySet()) {
                assertThat(b.buffer(e.getKey())).as("step %d, %s", step, e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    /** [start, length] pairs covering [0, N) once, in random order. */
    static List<int[]> shuffledCuts(Random r) {
        List<int[]> cuts = new ArrayList<>();
        for (int s = 0; s < N; ) {
            int len = Math.min(N - s, 1 + r.nextInt(200));
            cuts.add(new int[] {s, len});
            s += len;
        }
        Collections.shuffle(cuts, r);
        return cuts;
    }
}
