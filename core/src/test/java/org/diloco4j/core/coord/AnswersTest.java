package org.diloco4j.core.coord;

import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test helper itself: an AUTO event that answers no outstanding assignment fails the test instead of borrowing another's id. */
class AnswersTest {
    @Test
    void anAutoPushFromAnotherBaseVersionFailsInsteadOfAnsweringTheMembersAssignment() {
        Coordinator c = new Coordinator(CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).build(), FragmentPlan.whole(4),
                new float[4], m -> { });
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        Event.Delta wrongBase = new Event.Delta(0, 1, Answers.AUTO, 3, 0, 5, 5, 1, CoordinatorTest.fp32(0, 0, 0, 0), 1);
        assertThatThrownBy(() -> Answers.handle(c, wrongBase)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no outstanding assignment of fragment 0 from base version 3");
        assertThat(Answers.only(c, 0)).as("the member's real assignment is untouched").isPositive();
    }
}
