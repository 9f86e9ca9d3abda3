package org.diloco4j.core.stream;

import org.diloco4j.core.optim.OuterOptimizer;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Range;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fragment steps run in place, range by range: a fragment of several ranges ends bit for bit where
 * a step on its gathered dense vector does, and no scratch of the largest fragment is made (one
 * fragment being the whole θ, that scratch was another θ: 4 GB at 1B parameters).
 */
class FragmentOptimizersTest {
    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aFragmentOfSeveralRangesStepsInPlaceAsItsDenseVectorWould() {
        OuterOptimizerConfig cfg = OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0.1);
        // Fragment 0: [0, 5) and [9, 16); fragment 1: [5, 9) and [16, 20).
        FragmentPlan plan = new FragmentPlan(List.of(new Fragment(0, List.of(new Range(0, 5), new Range(9, 7))),
                new Fragment(1, List.of(new Range(5, 4), new Range(16, 4)))), List.of("a", "b"), 20);
        FragmentOptimizers opts = new FragmentOptimizers(plan, cfg);
        OuterOptimizer dense = cfg.create(12);
        Random r = new Random(3);
        float[] theta = new float[20];
        for (int i = 0; i < 20; i++) theta[i] = (float) r.nextGaussian();
        Fragment f = plan.fragment(0);
        float[] expected = f.gather(theta);
        for (int step = 0; step < 5; step++) {
            float[] g = new float[12];
            for (int i = 0; i < 12; i++) g[i] = (float) r.nextGaussian();
            float[] other = theta.clone();
            opts.step(0, theta, g);
            dense.step(expected, g);
            float[] got = f.gather(theta);
            for (int i = 0; i < 12; i++) assertThat(Float.floatToRawIntBits(got[i])).as("step %d, [%d]", step, i).isEqualTo(Float.floatToRawIntBits(expected[i]));
            for (Range q : plan.fragment(1).ranges()) {
                for (int i = q.arrayStart(); i < q.arrayEnd(); i++) assertThat(theta[i]).as("fragment 1 untouched").isEqualTo(other[i]);
            }
        }
        assertThat(opts.optimizer(0).state().buffer("momentum")).isEqualTo(dense.state().buffer("momentum"));
    }

    @Test
    void oneFragmentOfAllOfThetaHasNoScratch() {
        int n = 10_000_000;
        FragmentPlan plan = FragmentPlan.whole(n);
        new FragmentOptimizers(FragmentPlan.whole(16), OuterOptimizerConfig.sgd(1)); // classes loaded
        long before = allocated();
        FragmentOptimizers opts = new FragmentOptimizers(plan, OuterOptimizerConfig.sgd(1));
        long made = allocated() - before;
        assertThat(made).as("bytes allocated making SGD (no buffers) for a %d-float θ", n).isLessThan(1L << 20);
        float[] theta = new float[n];
        float[] g = new float[n];
        g[n - 1] = 2;
        before = allocated();
        opts.step(0, theta, g);
        assertThat(allocated() - before).as("bytes allocated by a step").isLessThan(1L << 20);
        assertThat(theta[n - 1]).isEqualTo(-2f);
    }
}
