package org.diloco4j.core.coord;

import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Planning (the budget trim, the shards' estimates) takes tokens per step from the first accepted
 * push on, as the published runs were made; with a configured figure (batch × context, × k for DDP)
 * a push that disagrees with it is refused before it could teach a false one.
 */
class ConfiguredTokensPerStepTest {
    static final int TPS = 7;

    Coordinator coordinator(long tokensPerStep) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).tokenBudget(3 * TPS)
                .tokensPerStep(tokensPerStep).build();
        return new Coordinator(cfg, FragmentPlan.whole(4), new float[4], m -> { });
    }

    static Event.Delta push(long assignment, int steps, long tokens) {
        return new Event.Delta(0, 1, assignment, 0, 0, steps, tokens, 0.1, CoordinatorTest.fp32(0.01f, 0.01f, 0.01f, 0.01f), 1);
    }

    @Test
    void planningStartsFromTheFirstAcceptedPush() {
        Coordinator c = coordinator(TPS);
        List<Command> out = Answers.handle(c, new Event.Join("a", -1, 0, 0));
        assertThat(CoordinatorTest.of(out, Command.Train.class)).singleElement().satisfies(t -> assertThat(t.steps()).isEqualTo(5));
        assertThat(c.tokensPerStep()).isZero();
        Answers.handle(c, push(Answers.AUTO, 1, TPS));
        assertThat(c.tokensPerStep()).isEqualTo(TPS);
    }

    @Test
    void aPushThatDisagreesWithTheConfiguredFigureIsRefusedAndTeachesNothing() {
        Coordinator c = coordinator(TPS);
        Command.Train t = CoordinatorTest.of(c.handle(new Event.Join("a", -1, 0, 0)), Command.Train.class).get(0);
        List<Command> out = c.handle(push(t.assignment(), 1, 1000L * TPS));
        assertThat(CoordinatorTest.of(out, Command.Reject.class)).singleElement()
                .satisfies(r -> assertThat(r.code()).isEqualTo(Refusal.IMPLAUSIBLE));
        assertThat(c.tokensPerStep()).isZero();
        assertThat(c.tokens()).isZero();
    }

    @Test
    void withoutAConfiguredFigureTheFirstPushTeachesIt() {
        Coordinator c = coordinator(0);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        assertThat(c.tokensPerStep()).isZero();
        Answers.handle(c, push(Answers.AUTO, 1, TPS));
        assertThat(c.tokensPerStep()).isEqualTo(TPS);
    }
}
