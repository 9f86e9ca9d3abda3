package org.diloco4j.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.LongUnaryOperator;
import org.diloco4j.core.optim.OuterNesterov;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.BlockAssignment;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.FragmentPlanner;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.api.Test;

class StreamingHelpersTest {
    /** A fragment of two ranges inside a vector of 20: [2, 6) and [10, 13). */
    static final Fragment F = new Fragment(1, List.of(new Range(2, 4), new Range(10, 3)));

    @Test
    void mergeWithAlphaZeroOverwritesTheFragmentOnly() {
        float[] local = TestVectors.gaussian(1, 20, 1);
        float[] before = local.clone();
        float[] global = TestVectors.gaussian(2, 7, 1);
        FragmentMerge.merge(F, local, global, 0f);
        assertThat(local).isEqualTo(expected(before, global, 0));
    }

    @Test
    void mergeBlendsLocalAndGlobal() {
        float[] local = TestVectors.gaussian(1, 20, 1);
        float[] before = local.clone();
        float[] global = TestVectors.gaussian(2, 7, 1);
        FragmentMerge.merge(F, local, global, 0.25f);
        float[] want = expected(before, global, 0.25);
        for (int i = 0; i < 20; i++) assertThat((double) local[i]).as("index %d", i).isCloseTo(want[i], within(1e-6));
        float[] keep = before.clone();
        FragmentMerge.merge(F, keep, global, 1f);
        assertThat(keep).isEqualTo(before);
    }

    @Test
    void mergeRejectsBadInput() {
        assertThatThrownBy(() -> FragmentMerge.merge(F, new float[20], new float[7], 1.5f)).hasMessageContaining("α must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> FragmentMerge.merge(F, new float[20], new float[6], 0f)).hasMessageContaining("global has length 6, expected 7");
        assertThatThrownBy(() -> FragmentMerge.merge(F, new float[12], new float[7], 0f)).hasMessageContaining("outside θ_local of length 12");
    }

    /** α·local + (1−α)·global on F's ranges, untouched elsewhere, in double. */
    private static float[] expected(float[] local, float[] global, double alpha) {
        float[] out = local.clone();
        int o = 0;
        for (Range r : F.ranges()) {
            for (int i = 0; i < r.arrayLength(); i++) out[r.arrayStart() + i] = (float) (alpha * local[r.arrayStart() + i] + (1 - alpha) * global[o + i]);
            o += r.length();
        }
        return out;
    }

    @Test
    void trafficPeakIsTheLargestFragment() {
        // Fragments of 400 | 200 | 200 floats (an embeddings fragment of its own, as the planner once made).
        FragmentPlan plan = new FragmentPlan(List.of(new Fragment(0, List.of(new Range(0, 400))), new Fragment(1, List.of(new Range(400, 200))),
                new Fragment(2, List.of(new Range(600, 200)))), List.of("embeddings", "blocks 0-1", "blocks 2-3"), 800);
        StreamingSchedule s = new StreamingSchedule(30, 3, 0);
        LongUnaryOperator fp32 = n -> 16 + 4L * n; // a 16-byte header plus 4 bytes per value
        long[] byStep = StreamingTraffic.bytesByStep(plan, s, fp32);
        assertThat(byStep).hasSize(30);
        assertThat(byStep[9]).isEqualTo(816);  // t = 10: fragment 1
        assertThat(byStep[19]).isEqualTo(816); // t = 20: fragment 2
        assertThat(byStep[29]).isEqualTo(1616); // t = 30: fragment 0, the embeddings
        assertThat(byStep[0]).isZero();
        assertThat(StreamingTraffic.bytesPerPeriod(plan, s, fp32)).isEqualTo(816 + 816 + 1616);
        assertThat(StreamingTraffic.peakBytesPerStep(plan, s, fp32)).isEqualTo(1616);
        assertThat(StreamingTraffic.peakReduction(plan, s, fp32)).isCloseTo(3216.0 / 1616, within(1e-12));
        assertThatThrownBy(() -> StreamingTraffic.bytesByStep(plan, new StreamingSchedule(30, 5, 0), fp32))
                .hasMessageContaining("plan has 3 fragments but the schedule has P = 5");
    }

    @Test
    void eachFragmentHasItsOwnOuterState() {
        ParamLayout layout = ParamLayout.builder().add("emb", 30).add("blocks.0.w", 20).add("blocks.1.w", 20).add("head", 10).build();
        // Fragment 0 holds emb and head: two ranges.
        FragmentPlan plan = new FragmentPlan(List.of(new Fragment(0, List.of(new Range(0, 30), new Range(70, 10))),
                new Fragment(1, List.of(new Range(30, 20))), new Fragment(2, List.of(new Range(50, 20)))), List.of("emb+head", "b0", "b1"), 80);
        FragmentOptimizers opt = new FragmentOptimizers(plan, OuterOptimizerConfig.diloco());
        float[] theta = TestVectors.gaussian(3, layout.arraySize(), 1);
        float[] start = theta.clone();

        // Reference: a plain Nesterov on fragment 0's dense vector (embeddings = emb + head, two ranges).
        Fragment f0 = plan.fragment(0);
        OuterNesterov ref = new OuterNesterov(f0.arraySize(), 0.7, 0.9);
        float[] dense = f0.gather(theta);
        for (int s = 0; s < 3; s++) {
            float[] g = TestVectors.gaussian(10 + s, f0.arraySize(), 0.1);
            opt.step(0, theta, g);
            ref.step(dense, g);
        }
        assertThat(f0.gather(theta)).isEqualTo(dense);
        for (int p = 1; p < 3; p++) {
            assertThat(plan.fragment(p).gather(theta)).as("fragment %d untouched", p).isEqualTo(plan.fragment(p).gather(start));
            assertThat(opt.states().get(p).counters().get("steps")).isZero();
        }
        assertThat(opt.states().get(0).counters().get("steps")).isEqualTo(3);

        FragmentOptimizers restored = new FragmentOptimizers(plan, OuterOptimizerConfig.diloco());
        restored.restore(opt.states());
        float[] a = theta.clone(), b = theta.clone();
        float[] g = TestVectors.gaussian(20, plan.fragment(0).arraySize(), 0.1);
        opt.step(0, a, g);
        restored.step(0, b, g);
        assertThat(b).isEqualTo(a);
        assertThatThrownBy(() -> opt.step(1, theta, new float[3])).hasMessageContaining("g has length 3, expected 20");
    }

    @Test
    void configBuildsScheduleAndPlan() {
        StreamingConfig c = new StreamingConfig(3, BlockAssignment.STRIDED, 1, 0.5);
        assertThat(c.schedule(30).offset(2)).isEqualTo(20);
        assertThatThrownBy(() -> c.schedule(32)).hasMessageContaining("multiple of P = 3");
        assertThat(StreamingConfig.off().schedule(17).fragments()).isEqualTo(1);
        assertThatThrownBy(() -> new StreamingConfig(2, BlockAssignment.STRIDED, 0, 1.2)).hasMessageContaining("streaming.merge-alpha = 1.2");
        assertThatThrownBy(() -> new StreamingConfig(0, BlockAssignment.STRIDED, 0, 0)).hasMessageContaining("streaming.fragments = 0");
    }
}
