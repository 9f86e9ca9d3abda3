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
 * step found ({@link OuterState#knownMax}). That is only sound while the known max is θ's true max
 * after every kind of change: a step whole or streamed, a step undone, a restore; and unknown (NaN)
 * for a snapshot θ has moved on from.
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

    @Test
    void theKnownMaxIsThetasAfterWholeAndStreamedStepsAndUnknownForAnOldSnapshot() {
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
            // Alternately a push kept whole and one read block by block (the streamed apply finds the max itself).
            byte[] msg = Codecs.parse(codec).encode(g);
            Payload p = k % 2 == 0 ? new Payload.Bytes(codec, msg) : new Payload.Encoded(codec, EncodedSource.of(msg));
            Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, c.version(), 0, 5, 5, 1, p, 1 + k));
            assertKnown(c);
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
}
