package org.diloco4j.core.coord;

import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The adaptive norm bound in closed form: k × the median of the last accepted norms, after a warm-up, under an absolute bound. */
class NormBoundTest {
    static final int N = 100;
    /** Outer steps per fragment: here every accepted norm is one (as in async). */
    final long[] steps = new long[2];

    static NormBound bound(double factor, int warmup, double explicit) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().normBoundFactor(factor).normBoundWarmup(warmup).maxDeltaNorm(explicit).build();
        return new NormBound(cfg, new long[] {N, 4 * N});
    }

    void accept(NormBound b, int p, double... norms) {
        for (double n : norms) {
            assertThat(check(b, p, n)).as("norm %s", n).isNull();
            b.accept(p, n);
            steps[p]++;
        }
    }

    PushChecks.Problem check(NormBound b, int p, double norm) {
        return b.check(p, norm, steps[p]);
    }

    @Test
    void afterTheWarmUpTheBoundIsKTimesTheMedianOfAcceptedNorms() {
        NormBound b = bound(10, 4, 0);
        accept(b, 0, 5, 1, 4, 2, 3);
        assertThat(b.median(0)).isEqualTo(3);
        assertThat(check(b, 0, 30)).isNull();
        PushChecks.Problem p = check(b, 0, 30.001);
        assertThat(p.code()).isEqualTo(Refusal.NORM_BOUND);
        assertThat(p.detail()).contains("outer.norm_bound_factor").contains("median 3");
        // An even window takes the mean of its middle two.
        b.accept(0, 6);
        assertThat(b.median(0)).isEqualTo(3.5);
        assertThat(check(b, 0, 35)).isNull();
        assertThat(check(b, 0, 35.01)).isNotNull();
    }

    @Test
    void duringTheWarmUpOnlyTheAbsoluteBoundApplies() {
        NormBound b = bound(10, 4, 0);
        accept(b, 0, 1, 1, 1);
        // Three outer steps of a warm-up of four: a norm 1000 × the median still passes...
        assertThat(check(b, 0, 1000)).isNull();
        // ...but the absolute bound (RMS 1000 per value: 1000 √100 = 10,000) holds from the first push.
        assertThat(b.absolute(0)).isEqualTo(NormBound.RMS_CAP * Math.sqrt(N));
        assertThat(check(b, 0, 10_000)).isNull();
        assertThat(check(b, 0, 10_000.01).detail()).contains("automatic bound");
        accept(b, 0, 1);
        assertThat(check(b, 0, 1000)).isNotNull();
        // Fragments keep their own windows and bounds.
        assertThat(check(b, 1, 1000)).isNull();
        assertThat(b.absolute(1)).isEqualTo(NormBound.RMS_CAP * Math.sqrt(4 * N));
    }

    /** A round brings several norms at once; the warm-up waits for outer steps (a streaming fragment's first round is short). */
    @Test
    void theWarmUpCountsOuterStepsNotPushes() {
        NormBound b = bound(10, 4, 0);
        for (int k = 0; k < 8; k++) b.accept(0, 0.75);
        assertThat(b.check(0, 4.1, 1)).as("second round, after one outer step").isNull();
        assertThat(b.check(0, 7.6, 4)).isNotNull();
    }

    @Test
    void anExplicitMaxDeltaNormReplacesTheAutomaticAbsoluteBoundAndAFactorOfZeroTurnsTheAdaptiveOneOff() {
        NormBound b = bound(0, 1, 50);
        accept(b, 0, 1, 1, 1, 1, 1);
        assertThat(check(b, 0, 50)).isNull();
        assertThat(check(b, 0, 50.01).detail()).contains("outer.max_delta_norm");
    }

    @Test
    void onlyTheLastWindowOfAcceptedNormsCounts() {
        NormBound b = bound(10, 4, 0);
        double[] big = new double[NormBound.WINDOW];
        Arrays.fill(big, 100);
        accept(b, 0, big);
        assertThat(check(b, 0, 900)).isNull();
        double[] small = new double[NormBound.WINDOW / 2 + 1];
        Arrays.fill(small, 1);
        accept(b, 0, small);
        // 17 of the last 32 are 1: the median is 1, the bound 10.
        assertThat(b.median(0)).isEqualTo(1);
        assertThat(check(b, 0, 10.5)).isNotNull();
    }

    @Test
    void theWindowSurvivesACheckpointAndDecidesTheSame() throws Exception {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).build();
        Coordinator c = new Coordinator(cfg, FragmentPlan.whole(4), new float[4], m -> { });
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        for (int k = 0; k < 6; k++) {
            float v = 0.01f * (k + 1);
            List<Command> out = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, c.version(), 0, 5, 5, 1, CoordinatorTest.fp32(v, v, v, v), k + 1));
            assertThat(out).noneMatch(x -> x instanceof Command.Reject);
        }
        byte[] file = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, c.state(), Map.of());
        Coordinator resumed = Coordinator.restore(cfg, FragmentPlan.whole(4),
                CheckpointFile.read(file, "test", CheckpointFile.Kind.COORDINATOR, Coordinator.State.class).state(), m -> { });
        assertThat(resumed.state().norms().windows()).isEqualTo(c.state().norms().windows());
        // Median norm 0.07 (of 0.02 … 0.12): 10 × is 0.7; a push of norm 0.8 is refused by both, one of 0.6 by neither.
        // (Six outer steps: past the warm-up of four.)
        for (Coordinator k : List.of(c, resumed)) {
            List<Command> out = Answers.handle(k, new Event.Delta(0, 1, Answers.AUTO, k.version(), 0, 5, 5, 1, CoordinatorTest.fp32(0.4f, 0.4f, 0.4f, 0.4f), 10));
            assertThat(out).filteredOn(x -> x instanceof Command.Reject).singleElement()
                    .satisfies(r -> assertThat(((Command.Reject) r).code()).isEqualTo(Refusal.NORM_BOUND));
            out = Answers.handle(k, new Event.Delta(0, 1, Answers.AUTO, k.version(), 0, 5, 5, 1, CoordinatorTest.fp32(0.3f, 0.3f, 0.3f, 0.3f), 11));
            assertThat(out).noneMatch(x -> x instanceof Command.Reject);
        }
        assertThat(resumed.theta()).isEqualTo(c.theta());
    }
}
