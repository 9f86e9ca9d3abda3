package org.diloco4j.net.wire;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.BlockAssignment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.FragmentPlanner;
import org.diloco4j.core.params.ParamLayout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunSpecsTest {
    static RunDefinition streaming() {
        ParamLayout layout = ParamLayout.builder().add("wte", 10, 4).add("h.0.w", 4, 4).add("h.1.w", 4, 4).add("lnf", 4).build();
        FragmentPlan plan = FragmentPlanner.plan(layout, 2, BlockAssignment.STRIDED);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(10).overlap(1)
                .upCodec("q4", "int8").errorFeedback(true).downCodec("bf16").build();
        return RunDefinition.of("[model]\nlayers = 2\n", cc, plan, 4096);
    }

    @Test
    void roundTripsEverythingAWorkerNeeds() {
        RunDefinition d = streaming();
        RunDefinition back = RunSpecs.fromProto(RunSpecs.toProto(d));
        assertThat(back).isEqualTo(d);
        assertThat(back.plan()).isEqualTo(d.plan());
        assertThat(back.upCodecOf(1)).isEqualTo("int8");
        assertThat(back.schedule().spacing()).isEqualTo(5);
    }

    @Test
    void ddpCannotRunOverTheNetwork() {
        assertThatThrownBy(() -> RunDefinition.of("", CoordinatorConfig.builder().method(Method.DDP).build(), FragmentPlan.whole(4), 4096))
                .hasMessageContaining("ddp is a simulated baseline");
    }
}
