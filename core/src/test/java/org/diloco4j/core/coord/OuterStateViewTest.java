package org.diloco4j.core.coord;

import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint written from {@link OuterState#view()} (the live arrays, as the networked coordinator
 * writes a state too large to copy) is byte for byte the one written from {@link OuterState#state()}
 * (a copy), at every position in a Delayed Nesterov buffer, and {@link Coordinator#adopting} holds
 * the caller's θ itself.
 */
class OuterStateViewTest {
    static final int N = 257;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void aCheckpointOfTheLiveArraysIsTheCheckpointOfACopy(int steps) throws IOException {
        Random r = new Random(steps);
        float[] theta = new float[N];
        for (int i = 0; i < N; i++) theta[i] = (float) r.nextGaussian();
        OuterState o = new OuterState(theta, FragmentPlan.whole(N), OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0));
        for (int s = 0; s < steps; s++) {
            float[] g = new float[N];
            for (int i = 0; i < N; i++) g[i] = (float) (0.01 * r.nextGaussian());
            assertThat(o.apply(0, g, org.diloco4j.core.params.VectorOps.norm2(g))).isTrue();
        }
        byte[] copy = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, o.state(), Map.of());
        OuterState.State live = o.view();
        assertThat(live.theta().array()).isSameAs(theta);
        assertThat(CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, live, Map.of())).isEqualTo(copy);
    }

    @org.junit.jupiter.api.Test
    void anAdoptingCoordinatorHoldsTheCallersTheta() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(5).minWorkers(1)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 4, 0)).build();
        float[] theta = new float[N];
        assertThat(Coordinator.adopting(cfg, FragmentPlan.whole(N), theta, m -> { }).theta()).isSameAs(theta);
        assertThat(new Coordinator(cfg, FragmentPlan.whole(N), theta, m -> { }).theta()).isNotSameAs(theta);
    }
}
