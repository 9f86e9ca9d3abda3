package org.diloco4j.core.coord;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A push whose outer step is undone is credited with nothing: the member's and the run's counts are
 * what they were before it, exactly, even when a total had saturated at Long.MAX_VALUE (a saturated
 * total minus the push is not the total before it).
 */
class RefusedCountsTest {
    final List<Metric> metrics = new ArrayList<>();

    @Test
    void anUndoneStepTakesBackExactlyWhatItAddedNearLongMax() {
        // tokens_per_step unknown (0): a push's token count is only checked to be >= 0, so it can be huge.
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).maxDeltaNorm(1e300).normBoundFactor(0).build();
        Coordinator c = new Coordinator(cfg, org.diloco4j.core.params.FragmentPlan.whole(FiniteThetaTest.N),
                new float[FiniteThetaTest.N], metrics::add);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        long first = Long.MAX_VALUE - 5;
        Answers.handle(c, delta(0, 0, 5, first, 0.5f, 1));
        assertThat(c.tokens()).isEqualTo(first);
        Member m = c.members().get(0);
        long steps = m.steps;

        List<Command> out = Answers.handle(c, delta(0, 1, 3, 100, 3e38f, 2));

        assertThat(CoordinatorTest.of(out, Command.Reject.class)).singleElement().satisfies(r -> assertThat(r.code()).isEqualTo(Refusal.NON_FINITE));
        assertThat(c.tokens()).as("the run's tokens").isEqualTo(first);
        assertThat(m.tokens).as("the member's tokens").isEqualTo(first);
        assertThat(m.steps).as("the member's steps").isEqualTo(steps);
        assertThat(m.rejected).isEqualTo(1);
    }

    /**
     * What a refused push claimed (its tokens, its speed) leaves no trace: two coordinators that refuse
     * pushes differing only in those claims end in equal states — the data shards' consumption, DyLU's
     * speed estimates and the learned tokens per step included.
     */
    @Test
    void aRefusedPushLeavesNoTraceOfWhatItClaimed() {
        Coordinator.State[] after = new Coordinator.State[2];
        for (int twin = 0; twin < 2; twin++) {
            // DyLU (speeds are kept), least-sampled shards (consumption is kept), tokens per step unknown (learned).
            CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).dylu(true).maxDeltaNorm(1e300)
                    .normBoundFactor(0).shards(DataShards.leastSampled(1000, 3000)).build();
            Coordinator c = new Coordinator(cfg, org.diloco4j.core.params.FragmentPlan.whole(FiniteThetaTest.N),
                    new float[FiniteThetaTest.N], metrics::add);
            Answers.handle(c, new Event.Join("a", -1, 0, 0));
            Answers.handle(c, push(0, 0, 40, 1, 0.5f, 1));
            List<Command> out = Answers.handle(c, push(0, 1, twin == 0 ? 60 : 700, twin == 0 ? 1 : 9, 3e38f, 12));
            assertThat(CoordinatorTest.of(out, Command.Reject.class)).singleElement().satisfies(r -> assertThat(r.code()).isEqualTo(Refusal.NON_FINITE));
            after[twin] = c.state();
        }
        assertThat(after[1]).usingRecursiveComparison().isEqualTo(after[0]);
    }

    static Event.Delta push(int member, long version, long tokens, double computeSeconds, float value, double at) {
        return new Event.Delta(member, member + 1, Answers.AUTO, version, 0, 5, tokens, computeSeconds,
                CoordinatorTest.fp32(CoordinatorTest.filled(value)), at);
    }

    static Event.Delta delta(int member, long version, int steps, long tokens, float value, double at) {
        return new Event.Delta(member, member + 1, Answers.AUTO, version, 0, steps, tokens, 1,
                CoordinatorTest.fp32(CoordinatorTest.filled(value)), at);
    }
}
