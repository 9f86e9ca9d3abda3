package org.diloco4j.core.coord;

import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The size a checkpoint cut is decided by counts every θ-sized array a copy of the state makes. */
class CoordinatorArrayFloatsTest {
    static final int N = 16;

    @Test
    void countsThetaTheOptimizerBuffersAndTheRoundMean() {
        for (OuterOptimizerConfig o : List.of(OuterOptimizerConfig.sgd(0.7), OuterOptimizerConfig.nesterov(0.7, 0.9),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 4, 0))) {
            CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).tokensPerStep(16).outer(o).build();
            Coordinator c = new Coordinator(cfg, FragmentPlan.whole(N), new float[N], m -> { });
            Coordinator.State s = c.state();
            long copied = s.savedTheta().length;
            for (OptimizerState b : s.outer().optimizers()) copied += b.bufferFloats();
            if (s.policy() instanceof SyncPolicy.State p && p.mean() != null) copied += p.mean().acc().length;
            assertThat(c.arrayFloats()).as(o.kind().toString()).isEqualTo(copied);
        }
    }

    @Test
    void aTimingOnlyRunHasNone() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).tokensPerStep(16).build();
        assertThat(new Coordinator(cfg, FragmentPlan.whole(N), null, m -> { }).arrayFloats()).isZero();
    }
}
