package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member left out of a round because it waited in a cycle, whose wait then ends another way (a
 * deadline closes the round it waited for): it pushes the fragment it was left out of while that
 * round is still open. That push is taken into the round; it is not a push of a round opened before
 * the member joined.
 */
class StreamingLeftOutTest {
    final StreamingRun run = new StreamingRun(StreamingModel.config().minWorkers(2).roundDeadline(100).quorum(1).build(), false);

    /**
     * A and C start (rounds {0, 0}); B joins; A and C commit fragment 0, whose round 1 then waits for
     * all three. B's push of fragment 1 (round 0 opened before it joined) is dropped and B waits for
     * fragment 1. C sends fragment 0 of round 1 and waits for it: round 1 waits for B, B for fragment 1,
     * whose round waits for C — so C is left out of fragment 1's round 0. Then fragment 0's deadline
     * closes its round with C's contribution alone, C gets fragment 0's values, trains on and pushes
     * fragment 1 of round 0, still open (it waits for A).
     */
    @Test
    void aPushOfTheOpenRoundAMemberWasLeftOutOfIsTaken() {
        int a = 0, c = 1, b = 2;
        run.join("a", 0);
        run.join("c", 0);
        run.join("b", 1);
        run.push(a, 1, 0, 0, 2);
        assertThat(StreamingRun.sends(run.push(c, 2, 0, 0, 3), b, 0, 1)).isTrue();
        run.push(b, 3, 1, 0, 4);
        assertThat(run.drops(b)).extracting(Metric.Decision::cause).containsExactly(DropCause.JOINED_AFTER_ROUND);
        run.push(c, 2, 0, 1, 5);
        assertThat(run.drops(c)).extracting(Metric.Decision::cause).containsExactly(DropCause.WAITS_IN_CYCLE);

        Answers.handle(run.c, new Event.Timer("fragment:1:0", 100));                    // no contribution yet: extended
        List<Command> deadline = Answers.handle(run.c, new Event.Timer("fragment:0:1", 105));
        assertThat(StreamingRun.sends(deadline, c, 0, 2)).as("fragment 0's round closes at its deadline").isTrue();

        run.metrics.clear();
        List<Command> late = run.push(c, 2, 1, 0, 106);
        assertThat(late).noneMatch(x -> x instanceof Command.Unapplied);
        assertThat(run.drops(c)).as("no false joined-after-round drop").isEmpty();
        assertThat(StreamingRun.sends(run.push(a, 1, 1, 0, 107), c, 1, 1)).isTrue();
        assertThat(run.metrics).filteredOn(m -> m instanceof Metric.OuterStep).singleElement()
                .satisfies(m -> assertThat(((Metric.OuterStep) m).contributors()).containsExactlyInAnyOrder(a, c));
    }

}
