package org.diloco4j.core.optim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OuterOptimizer#view()} is {@link OuterOptimizer#state()} without the copy: the same kind,
 * counters and buffer values after any number of steps (a Delayed Nesterov accumulator between
 * buffers and a Nesterov buffer before the first step included, which state() reports as zeros),
 * its buffers the optimizer's own (the same arrays every time), and taking it changes no later step.
 */
class OptimizerViewTest {
    static final int N = 101;

    @ParameterizedTest
    @MethodSource("org.diloco4j.core.optim.StepKernelTest#configs")
    void aViewIsTheStateWithoutACopyAndChangesNoStep(OuterOptimizerConfig cfg) {
        // Two optimizers from zero θ, fed the same pseudo-gradients: one is viewed before every step, one never.
        OuterOptimizer viewed = cfg.create(N), plain = cfg.create(N);
        float[] a = new float[N], b = new float[N];
        Random r = new Random(5);
        for (int step = 0; step <= 7; step++) {
            OptimizerState s = viewed.state();
            OptimizerState v = viewed.view();
            assertThat(v.kind()).isEqualTo(s.kind());
            assertThat(v.counters()).as("after %d steps", step).isEqualTo(s.counters());
            assertThat(v.buffers().keySet()).isEqualTo(s.buffers().keySet());
            for (Map.Entry<String, float[]> e : s.arrays().entrySet()) {
                assertThat(v.buffer(e.getKey())).as("%s after %d steps", e.getKey(), step).isEqualTo(e.getValue())
                        .isSameAs(viewed.view().buffer(e.getKey()));
            }
            float[] g = new float[N];
            for (int i = 0; i < N; i++) g[i] = (float) r.nextGaussian();
            viewed.step(a, g);
            plain.step(b, g);
            for (int i = 0; i < N; i++) {
                assertThat(Float.floatToRawIntBits(a[i])).as("step %d, θ[%d]", step, i).isEqualTo(Float.floatToRawIntBits(b[i]));
            }
        }
    }
}
