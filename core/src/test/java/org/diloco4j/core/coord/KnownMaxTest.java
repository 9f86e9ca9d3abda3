package org.diloco4j.core.coord;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator decides whether θ may be sent without a pass over it, from the max |θ_i| its last
 * step found or the step guard's bound on it ({@link OuterState#knownMax}). That is only sound while the
 * known max is never below θ's true max after every kind of change: a step whole (measured: exact) or
 * streamed (cleared by the guard: not measured, a bound), a step undone, a restore; and unknown (NaN)
 * for a snapshot θ has moved on from. Where a bound is not good enough (fp16's range), θ is measured.
 */
class KnownMaxTest {
    static final int N = 1000;
    final List<Metric> metrics = new ArrayList<>();
    final Random rnd = new Random(7);

    Coordinator coordinator(CoordinatorConfig cfg) {
        float[] theta = new float[N];
        for (int i = 0; i < N; i++) theta[i] = (float) rnd.nextGaussian();
        return new Coordinator(cfg, FragmentPlan.whole(N), theta, metrics::add);
    }

    float[] delta(float scale) {
        float[] g = new float[N];
        for (int i = 0; i < N; i++) g[i] = scale * (float) rnd.nextGaussian();
        return g;
    }

    static double scanned(float[] theta) {
        double m = 0;
        for (float v : theta) m = Math.max(m, Math.abs(v));
        return m;
    }

    static void assertKnown(Coordinator c) {
        assertThat(c.outer().knownMax(c.outer().snapshot())).isEqualTo(scanned(c.theta()));
    }

    /** Known as a bound: never below θ's max; measured, exactly it (and measuring again finds nothing to do). */
    static void assertBounded(Coordinator c) {
        double max = scanned(c.theta());
        assertThat(c.outer().knownMax(c.outer().snapshot())).isGreaterThan(max);
        assertThat(c.outer().measureMax()).isTrue();
        assertKnown(c);
        assertThat(c.outer().measureMax()).isFalse();
    }

    @Test
    void theKnownMaxBoundsThetasAfterStreamedStepsIsExactOnceMeasuredAndUnknownForAnOldSnapshot() {
        // The norm bound out of the way: every push is applied, large ones moving the max up, small ones not.
        // Delayed Nesterov with N = 3: mid-buffer arrivals and momentum updates.
        String codec = "int8:chunk=256";
        Coordinator c = coordinator(CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).maxOuterSteps(100).upCodec(codec)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0)).maxDeltaNorm(1e300).normBoundFactor(0).build());
        assertKnown(c);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        Snapshot old = c.outer().snapshot();
        for (int k = 0; k < 6; k++) {
            float[] g = delta(k % 2 == 0 ? 3f : 0.01f);
            // Alternately a push kept whole and one read block by block: both applied streamed (async), cleared by the
            // guard and not measured; the max known is a bound until measured.
            byte[] msg = Codecs.parse(codec).encode(g);
            Payload p = k % 2 == 0 ? new Payload.Bytes(codec, msg) : new Payload.Encoded(codec, EncodedSource.of(msg));
            Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, c.version(), 0, 5, 5, 1, p, 1 + k));
            assertBounded(c);
        }
        assertThat(c.version()).isEqualTo(6);
        assertThat(c.outer().knownMax(old)).isNaN();
    }

    @Test
    void anUndoneStepLeavesTheKnownMaxAsBeforeAndARestoreMeasuresAgain() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).maxDeltaNorm(1e300).normBoundFactor(0).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, CoordinatorTest.fp32(delta(1f)), 1));
        Coordinator.State saved = c.state();
        double before = scanned(c.theta());
        float[] huge = new float[N];
        java.util.Arrays.fill(huge, 3e38f);
        Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, c.version(), 0, 5, 5, 1, CoordinatorTest.fp32(huge), 2));
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.outer().knownMax(c.outer().snapshot())).isEqualTo(before);

        Coordinator restored = Coordinator.restore(cfg, FragmentPlan.whole(N), saved, metrics::add);
        assertKnown(restored);
        assertThat(restored.outer().knownMax(restored.outer().snapshot())).isEqualTo(before);
    }

    /** fp16 down, SGD with lr 1 (gain 1), θ all 64,000: near fp16's largest value, 65504. */
    Coordinator nearFp16Max(int maxOuterSteps) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).outer(OuterOptimizerConfig.sgd(1))
                .upCodec(INT8).downCodec("fp16").maxDeltaNorm(1e300).normBoundFactor(0).maxOuterSteps(maxOuterSteps).build();
        float[] theta = new float[N];
        java.util.Arrays.fill(theta, 64_000f);
        return new Coordinator(cfg, FragmentPlan.whole(N), theta, metrics::add);
    }

    static final String INT8 = "int8:chunk=256";

    static Payload int8(float[] g) {
        return new Payload.Encoded(INT8, EncodedSource.of(Codecs.parse(INT8).encode(g)));
    }

    /**
     * ±100 alternating: int8 decodes them exactly (each its bin's mean), θ moves to 63,900 and 64,100; the norm,
     * 100·√1000 ≈ 3,162, raises the bound to ~67,162 (SGD, lr 1: gain 1).
     */
    static float[] plusMinusHundred() {
        float[] g = new float[N];
        for (int i = 0; i < N; i++) g[i] = i % 2 == 0 ? 100f : -100f;
        return g;
    }

    /** −1,500 on one value: θ[1] = 64,100 + 1,500 = 65,600, past fp16's largest value. */
    static float[] overOne() {
        float[] over = new float[N];
        over[1] = -1_500f;
        return over;
    }

    /**
     * fp16 down: a streamed step leaves a bound past 65504 on a θ whose values stay below it; the order
     * after it measures θ and sends it, where taking the bound for the max would have stopped the run.
     * A θ really past 65504 still stops it, with the value that is.
     */
    @Test
    void aBoundPastTheDownCodecsRangeIsMeasuredAndOnlyATrueMaxPastItStopsTheRun() {
        Coordinator c = nearFp16Max(100);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        List<Command> out = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, int8(plusMinusHundred()), 1));
        assertThat(c.stopped()).as("%s", out).isFalse();
        assertThat(out).filteredOn(Command.Train.class::isInstance).hasSize(1);
        assertThat(scanned(c.theta())).isEqualTo(64_100d);
        assertKnown(c);

        out = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 1, 0, 5, 5, 1, int8(overOne()), 2));
        assertThat(c.theta()[1]).isEqualTo(65_600f);
        assertThat(c.stopped()).isTrue();
        assertThat(out).filteredOn(Command.Stop.class::isInstance).singleElement()
                .satisfies(st -> assertThat(((Command.Stop) st).reason()).startsWith("θ holds 65600.0 at index 1, beyond fp16's largest value 65504"));
    }

    /**
     * What a runtime asks before it encodes a snapshot for pulls ({@link Coordinator#downlinkRefusal}): the
     * scan's answer without the scan where the guard's max or bound suffices. The run's one outer step leaves
     * no order to measure θ, so the streamed step's bound past fp16's range is still a bound when asked: it is
     * measured, and θ (below 65504) is sendable. A θ past it gets the scan's message; a phantom run, nothing.
     */
    @Test
    void theDownlinkRefusalMeasuresABoundPastTheRangeAndGivesTheScansAnswer() {
        Coordinator c = nearFp16Max(1);
        assertThat(c.downlinkRefusal()).isNull();
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, int8(plusMinusHundred()), 1));
        assertThat(c.outer().knownMax(c.outer().snapshot())).as("a bound, not measured").isGreaterThan(65_504d);
        assertThat(c.downlinkRefusal()).isNull();
        assertKnown(c);

        Coordinator over = nearFp16Max(2);
        Answers.handle(over, new Event.Join("a", -1, 0, 0));
        Answers.handle(over, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, int8(plusMinusHundred()), 1));
        Answers.handle(over, new Event.Delta(0, 1, Answers.AUTO, 1, 0, 5, 5, 1, int8(overOne()), 2));
        assertThat(over.theta()[1]).isEqualTo(65_600f);
        assertThat(over.downlinkRefusal()).isEqualTo(org.diloco4j.core.codec.ThetaDownlink.refusal(Codecs.parse("fp16"), over.thetaVector()))
                .startsWith("θ holds 65600.0 at index 1, beyond fp16's largest value 65504");

        Coordinator phantom = new Coordinator(c.config(), FragmentPlan.whole(N), null, metrics::add);
        assertThat(phantom.downlinkRefusal()).isNull();
    }
}
