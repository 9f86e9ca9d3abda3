package org.diloco4j.core.coord;

import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token budget is planned with the configured tokens per step (batch × context, × k for DDP)
 * from the first assignment on, not with a figure learned from the first pushes; without one
 * (0: the simulator's timing tables, tests) the first pushes still teach it.
 */
class ConfiguredTokensPerStepTest {
    static final int TPS = 7;

    Coordinator coordinator(long tokensPerStep) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).tokenBudget(3 * TPS)
                .tokensPerStep(tokensPerStep).build();
        return new Coordinator(cfg, FragmentPlan.whole(4), new float[4], m -> { });
    }

    @Test
    void theFirstAssignmentIsTrimmedToTheBudgetWithTheConfiguredFigure() {
        Coordinator c = coordinator(TPS);
        List<Command> out = Answers.handle(c, new Event.Join("a", -1, 0, 0));
        assertThat(CoordinatorTest.of(out, Command.Train.class)).singleElement().satisfies(t -> assertThat(t.steps()).isEqualTo(3));
        assertThat(c.tokensPerStep()).isEqualTo(TPS);
    }

    @Test
    void withoutOneTheFigureIsLearnedFromTheFirstPush() {
        Coordinator c = coordinator(0);
        List<Command> out = Answers.handle(c, new Event.Join("a", -1, 0, 0));
        assertThat(CoordinatorTest.of(out, Command.Train.class)).singleElement().satisfies(t -> assertThat(t.steps()).isEqualTo(5));
        assertThat(c.tokensPerStep()).isZero();
        Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 1, TPS, 0.1, CoordinatorTest.fp32(0.01f, 0.01f, 0.01f, 0.01f), 1));
        assertThat(c.tokensPerStep()).isEqualTo(TPS);
    }
}
