package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.Fragment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * θ stays finite: a pseudo-gradient of huge finite values is refused by the norm bound that is on by
 * default, and an outer step that would still leave θ non-finite (the bound set out of the way) is
 * undone — θ and the optimizer's state bit for bit as before — and refused (async) or dropped (rounds).
 */
class FiniteThetaTest {
    static final int N = 8;
    final List<Metric> metrics = new ArrayList<>();

    Coordinator coordinator(CoordinatorConfig cfg) {
        float[] theta = new float[N];
        for (int i = 0; i < N; i++) theta[i] = 0.1f * i;
        return new Coordinator(cfg, FragmentPlan.whole(N), theta, metrics::add);
    }

    static Event.Delta push(int member, long version, float value, double at) {
        return new Event.Delta(member, member + 1, Answers.AUTO, version, 0, 5, 5, 1, CoordinatorTest.fp32(CoordinatorTest.filled(value)), at);
    }

    static void assertFinite(float[] theta) {
        for (float v : theta) assertThat(Float.isFinite(v)).as("θ value %s", v).isTrue();
    }

    static void assertBitIdentical(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.length; i++) assertThat(Float.floatToRawIntBits(a[i])).as("index %d", i).isEqualTo(Float.floatToRawIntBits(b[i]));
    }

    @Test
    void aPushOfHugeFiniteValuesIsRefusedByDefaultAndTheRunGoesOn() {
        Coordinator c = coordinator(CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).maxOuterSteps(3).build());
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        Coordinator.State before = c.state();
        List<Command> out = Answers.handle(c, push(0, 0, 1e30f, 1));
        assertThat(CoordinatorTest.of(out, Command.Reject.class)).singleElement()
                .satisfies(r -> assertThat(r.code()).isEqualTo(Refusal.NORM_BOUND));
        assertUntouchedAndNotNormed(c, before);
        assertThat(c.version()).isZero();
        for (int k = 0; k < 3; k++) Answers.handle(c, push(0, c.version(), 0.01f, 2 + k));
        assertThat(c.stopped()).isTrue();
        assertFinite(c.theta());
    }

    /** With the bound out of the way (explicit, enormous), a step to ±∞ is undone and the push refused as non-finite. */
    @Test
    void anAsyncStepThatOverflowsIsUndoneBitForBitAndItsPushRefused() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).maxDeltaNorm(1e300).normBoundFactor(0).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        Answers.handle(c, push(0, 0, 0.5f, 1));
        Answers.handle(c, push(0, 1, -0.25f, 2));
        Coordinator.State before = c.state();
        long tokens = c.tokens();
        List<Command> out = Answers.handle(c, push(0, 2, 3e38f, 3));
        assertThat(CoordinatorTest.of(out, Command.Reject.class)).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo(Refusal.NON_FINITE);
            assertThat(r.reason()).contains("undone");
        });
        assertThat(CoordinatorTest.of(out, Command.Unapplied.class)).hasSize(1);
        assertThat(CoordinatorTest.of(out, Command.Train.class)).singleElement().satisfies(t -> assertThat(t.version()).isEqualTo(2));
        assertUntouchedAndNotNormed(c, before);
        assertThat(c.version()).isEqualTo(2);
        assertThat(c.tokens()).isEqualTo(tokens);
        // The run continues with honest pushes.
        Answers.handle(c, push(0, 2, 0.1f, 4));
        assertThat(c.version()).isEqualTo(3);
        assertFinite(c.theta());
    }

    /**
     * Delayed Nesterov through the coordinator: the refused step falls in the middle of a buffer, so
     * the accumulated pseudo-gradients (and the momentum of the buffer before) must come back bit for bit.
     */
    @Test
    void aRefusedAsyncStepLeavesTheDelayedNesterovAccumulatorBitIdentical() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).maxDeltaNorm(1e300).normBoundFactor(0)
                .outer(OuterOptimizerConfig.delayedNesterov(2, 0.9, 3, 0.1)).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        // Five honest arrivals: one buffer of 3 closed (momentum set), two accumulated in the next, which the sixth closes.
        float[] honest = {0.5f, -0.25f, 0.125f, 0.3f, -0.2f};
        for (int k = 0; k < honest.length; k++) Answers.handle(c, push(0, k, honest[k], 1 + k));
        Coordinator.State before = c.state();
        assertThat(before.outer().optimizers().get(0).arrays().values()).as("a buffer with something in it to protect")
                .anyMatch(b -> { for (float v : b) if (v != 0) return true; return false; });
        List<Command> out = Answers.handle(c, push(0, honest.length, 3e38f, 10));
        assertThat(CoordinatorTest.of(out, Command.Reject.class)).singleElement().satisfies(r -> assertThat(r.code()).isEqualTo(Refusal.NON_FINITE));
        assertUntouchedAndNotNormed(c, before);
    }

    @Test
    void aRoundWhoseAggregateOverflowsIsDroppedWholeAndRunAgainFromTheSameTheta() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).minWorkers(2).maxDeltaNorm(1e300).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        Answers.handle(c, new Event.Join("b", -1, 0, 0));
        Coordinator.State before = c.state();
        Answers.handle(c, push(0, 0, 3e38f, 1));
        List<Command> out = Answers.handle(c, push(1, 0, 3e38f, 2));
        assertUntouched(c, before);
        assertThat(c.version()).isZero();
        assertThat(c.outerSteps()).isZero();
        assertThat(metrics).as("%s", metrics).filteredOn(m -> m instanceof Metric.Decision d && d.cause() == DropCause.NON_FINITE).hasSize(2);
        assertThat(CoordinatorTest.of(out, Command.Train.class)).extracting(Command.Train::version).containsExactly(0L, 0L);
        Answers.handle(c, push(0, 0, 0.1f, 3));
        Answers.handle(c, push(1, 0, 0.1f, 4));
        assertThat(c.version()).isEqualTo(1);
        assertFinite(c.theta());
    }

    /** The undo at the level of θ's owner, for every optimizer and a fragment of two ranges. */
    @Test
    void anUndoneStepLeavesThetaAndEveryOptimizerStateBitIdentical() {
        Fragment f0 = new Fragment(0, List.of(new Range(0, 3), new Range(6, 2)));
        Fragment f1 = new Fragment(1, List.of(new Range(3, 3)));
        FragmentPlan plan = new FragmentPlan(List.of(f0, f1), List.of("a", "b"), N);
        for (OuterOptimizerConfig opt : List.of(OuterOptimizerConfig.sgd(2), OuterOptimizerConfig.nesterov(0.7, 0.9),
                OuterOptimizerConfig.momentum(2, 0.9), OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0.1))) {
            float[] theta = new float[N];
            for (int i = 0; i < N; i++) theta[i] = 1f - 0.3f * i;
            OuterState s = new OuterState(theta, plan, opt);
            // Five honest steps: Delayed Nesterov's next (sixth) arrival completes its second buffer of 3.
            for (int k = 0; k < 5; k++) {
                float[] g = new float[5];
                for (int i = 0; i < 5; i++) g[i] = 0.1f * (k - i);
                assertThat(s.apply(0, g, org.diloco4j.core.params.VectorOps.norm2(g))).isTrue();
            }
            OuterState.State before = s.state();
            float[] huge = new float[5];
            Arrays.fill(huge, 3e38f);
            huge[1] = -3e38f;
            assertThat(s.apply(0, huge, org.diloco4j.core.params.VectorOps.norm2(huge))).as("%s", opt).isFalse();
            OuterState.State after = s.state();
            assertBitIdentical(after.theta().toArray(), before.theta().toArray());
            assertThat(after.version()).isEqualTo(before.version());
            assertThat(after.rounds()).containsExactly(before.rounds());
            for (int p = 0; p < 2; p++) assertSameOptimizer(after.optimizers().get(p), before.optimizers().get(p));
        }
    }

    @Test
    void honestStepsTakeNoCopyAndHugeOnesDo() {
        StepGuard g = new StepGuard(FragmentPlan.whole(N), OuterOptimizerConfig.nesterov(0.7, 0.9), org.diloco4j.core.params.Fp32Vector.wrap(new float[N]));
        assertThat(g.mayOverflow(0, 1e6, false)).isFalse();
        assertThat(g.mayOverflow(0, 1e36, false)).isTrue();
        assertThat(g.mayOverflow(0, 1e36, true)).isFalse();
        assertThat(g.mayOverflow(0, 1e37, true)).isTrue();
    }

    /**
     * Steps the guard cleared and nobody measured leave a bound that climbs by gain × G each; once it stands in the way
     * of the next step's verdict, measuring θ (still near 1 here) brings it back to the max and clears the step again.
     */
    @Test
    void aBoundLeftByUnmeasuredStepsIsExactAgainOnceMeasured() {
        float[] values = new float[N];
        Arrays.fill(values, 1f);
        org.diloco4j.core.params.Fp32Vector theta = org.diloco4j.core.params.Fp32Vector.wrap(values);
        StepGuard g = new StepGuard(FragmentPlan.whole(N), OuterOptimizerConfig.sgd(1), theta);
        assertThat(g.exact(0)).isTrue();
        assertThat(g.max(0)).isEqualTo(1.0);
        int steps = 0;
        while (!g.mayOverflow(0, 1e35, false)) {
            g.provisional(0, 1e35);
            steps++;
        }
        // SGD's gain is its lr: 1 + steps·1e35 + 2·1e35 reaches 1e37 after 98 steps in exact arithmetic (the doubles round).
        assertThat(steps).isBetween(97, 99);
        assertThat(g.exact(0)).isFalse();
        assertThat(g.max(0)).isGreaterThan(9e36);
        g.measure(0, theta);
        assertThat(g.exact(0)).isTrue();
        assertThat(g.max(0)).isEqualTo(1.0);
        assertThat(g.mayOverflow(0, 1e35, false)).isFalse();
    }

    /** θ and every fragment's optimizer state (momentum, Delayed Nesterov's accumulator, counters) as in {@code before}. */
    static void assertUntouched(Coordinator c, Coordinator.State before) {
        Coordinator.State now = c.state();
        assertBitIdentical(c.theta(), before.savedTheta());
        assertThat(now.outer().version()).isEqualTo(before.outer().version());
        assertThat(now.outer().optimizers()).hasSameSizeAs(before.outer().optimizers());
        for (int p = 0; p < before.outer().optimizers().size(); p++) {
            assertSameOptimizer(now.outer().optimizers().get(p), before.outer().optimizers().get(p));
        }
    }

    /** A refused push leaves no trace in the norm bound's window either. */
    static void assertUntouchedAndNotNormed(Coordinator c, Coordinator.State before) {
        assertUntouched(c, before);
        assertThat(c.state().norms()).isEqualTo(before.norms());
    }

    static void assertSameOptimizer(OptimizerState a, OptimizerState b) {
        assertThat(a.kind()).isEqualTo(b.kind());
        assertThat(a.counters()).isEqualTo(b.counters());
        assertThat(a.buffers().keySet()).isEqualTo(b.buffers().keySet());
        for (String k : a.buffers().keySet()) assertBitIdentical(a.buffer(k), b.buffer(k));
    }
}
