package org.diloco4j.core.coord;

import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.core.coord.CoordinatorTest.filled;
import static org.diloco4j.core.coord.CoordinatorTest.fp32;
import static org.diloco4j.core.coord.CoordinatorTest.of;

/** A push answers the assignment it was given, once; its figures are what that assignment allows. */
class AssignmentsTest {
    static final int N = CoordinatorTest.N;
    final List<Metric> metrics = new ArrayList<>();

    Coordinator async(long tokensPerStep) {
        return async(tokensPerStep, 1_000_000);
    }

    Coordinator async(long tokensPerStep, long budget) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).minWorkers(1).tokensPerStep(tokensPerStep)
                .tokenBudget(budget).build();
        return new Coordinator(cfg, FragmentPlan.whole(N), new float[N], metrics::add);
    }

    static Event.Delta push(long assignment, long base, int steps, long tokens, double seconds, double time) {
        return new Event.Delta(0, 1, assignment, base, 0, steps, tokens, seconds, fp32(filled(0.01f)), time);
    }

    static Command.Reject reject(List<Command> out) {
        List<Command.Reject> r = of(out, Command.Reject.class);
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    @Test
    void idsAreIncreasingAndAnAnsweredAssignmentIsGone() {
        Assignments a = new Assignments();
        Assignment x = a.issue(0, 0, 3, 5, 1.0);
        Assignment y = a.issue(1, 0, 3, 5, 1.0);
        assertThat(y.id()).isGreaterThan(x.id());
        assertThat(a.answer(0, y.id(), 0, 3).replay()).contains("not outstanding for this member"); // another member's id
        assertThat(a.answer(0, x.id(), 0, 2).replay()).contains("from v3, not fragment 0 from v2");
        assertThat(a.answer(0, x.id(), 0, 3).assignment()).isEqualTo(x);
        assertThat(a.of(0)).containsExactly(x); // found, not closed: the push closes it once it is decided
        a.close(x);
        assertThat(a.answer(0, x.id(), 0, 3).replay()).contains("already answered");
        assertThat(a.of(0)).isEmpty();
    }

    @Test
    void theLedgerSurvivesAStateRoundTripWithItsNextId() {
        Assignments a = new Assignments();
        Assignment x = a.issue(0, 0, 3, 5, 1.0);
        Assignment s0 = a.issue(1, 0, 2, Command.Train.OPEN_ENDED, 2.0);
        Assignment s1 = a.issue(1, 1, 2, Command.Train.OPEN_ENDED, 2.0);
        Assignments b = new Assignments();
        b.restore(a.state());
        assertThat(b.state()).isEqualTo(a.state());
        assertThat(b.of(1)).containsExactly(s0, s1);
        assertThat(b.issue(2, 0, 0, 1, 3.0).id()).isEqualTo(s1.id() + 1);
        assertThat(b.answer(0, x.id(), 0, 3).assignment()).isEqualTo(x);
    }

    @Test
    void aStreamingMemberKeepsAFewSlotsPerFragment() {
        Assignments a = new Assignments();
        List<Assignment> issued = new ArrayList<>();
        for (int r = 0; r < Assignments.SLOTS_PER_FRAGMENT + 2; r++) issued.add(a.issue(0, 1, r, Command.Train.OPEN_ENDED, 0));
        Assignment other = a.issue(0, 0, 0, Command.Train.OPEN_ENDED, 0);
        assertThat(a.of(0)).hasSize(Assignments.SLOTS_PER_FRAGMENT + 1).contains(other).doesNotContain(issued.get(0), issued.get(1));
    }

    @Test
    void theSamePseudoGradientPushedAgainIsAReplayAndThetaChangesOnce() {
        Coordinator c = async(0);
        Command.Train t = of(c.handle(new Event.Join("w", -1, 0, 0)), Command.Train.class).get(0);
        List<Command> first = c.handle(push(t.assignment(), 0, 5, 5, 1, 2));
        assertThat(of(first, Command.Reject.class)).isEmpty();
        float[] once = c.theta().clone();
        for (double time : new double[] {3, 4}) {
            List<Command> again = c.handle(push(t.assignment(), 0, 5, 5, 1, time));
            assertThat(reject(again).code()).isEqualTo(Refusal.REPLAY);
            assertThat(of(again, Command.Train.class)).as("the member's real assignment is still under way").isEmpty();
            assertThat(of(again, Command.Unapplied.class)).hasSize(1);
        }
        assertThat(c.theta()).isEqualTo(once);
        assertThat(c.version()).isEqualTo(1);
        // A notice of nothing for an answered assignment changes nothing either.
        assertThat(reject(c.handle(new Event.Idle(0, 1, t.assignment(), 0, "withheld", 5))).code()).isEqualTo(Refusal.REPLAY);
    }

    @Test
    void figuresTheAssignmentDoesNotAllowAreImplausibleAndNotCounted() {
        Coordinator c = async(64);
        Command.Train t = of(c.handle(new Event.Join("w", -1, 0, 0)), Command.Train.class).get(0);
        Object[][] lies = {
                {push(0, 0, 5, Long.MAX_VALUE, 1, 10), "tokens " + Long.MAX_VALUE},
                {push(0, 0, 5, 10_000_000_000_000L, 1, 10), "tokens 10000000000000"},
                {push(0, 0, 6, 6 * 64, 1, 10), "steps 6 exceed the 5 assigned"},
                {push(0, 0, 0, 0, 1, 10), "steps 0"},
                {push(0, 0, 5, 5 * 64, 1e6, 10), "compute seconds 1000000.0 exceed"},
        };
        for (Object[] lie : lies) {
            Event.Delta d = (Event.Delta) lie[0];
            List<Command> out = c.handle(new Event.Delta(d.member(), d.generation(), t.assignment(), d.baseVersion(), d.fragment(), d.steps(),
                    d.tokens(), d.computeSeconds(), d.payload(), d.time()));
            Command.Reject r = reject(out);
            assertThat(r.code()).as("%s", lie[1]).isEqualTo(Refusal.IMPLAUSIBLE);
            assertThat(r.reason()).contains((String) lie[1]);
            assertThat(c.tokens()).isZero();
            assertThat(c.version()).isZero();
            t = of(out, Command.Train.class).get(0); // the refused assignment is answered; the member is given the next
        }
        assertThat(of(c.handle(push(t.assignment(), 0, 5, 5 * 64, 1, 11)), Command.Reject.class)).isEmpty();
        assertThat(c.tokens()).isEqualTo(5 * 64);
    }

    @Test
    void withoutATokensPerStepFigureTheCountersSaturateInsteadOfWrapping() {
        Coordinator c = async(0, 0);
        Command.Train t = of(c.handle(new Event.Join("w", -1, 0, 0)), Command.Train.class).get(0);
        t = of(c.handle(push(t.assignment(), 0, 5, Long.MAX_VALUE - 1, 1, 2)), Command.Train.class).get(0);
        c.handle(push(t.assignment(), 1, 5, Long.MAX_VALUE - 1, 1, 3));
        assertThat(c.tokens()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRestoredCoordinatorStillKnowsWhatIsOutstandingAndWhatWasAnswered() {
        Coordinator c = async(0);
        c.handle(new Event.Join("a", -1, 0, 0));
        Command.Train b = of(c.handle(new Event.Join("b", -1, 0, 0)), Command.Train.class).get(0);
        long a0 = c.outstanding(0).get(0).id();
        c.handle(push(a0, 0, 5, 5, 1, 2));
        Coordinator r = Coordinator.restore(c.config(), c.plan(), c.state(), metrics::add);
        assertThat(r.outstanding(0)).isEqualTo(c.outstanding(0));
        assertThat(reject(r.handle(push(a0, 0, 5, 5, 1, 3))).code()).isEqualTo(Refusal.REPLAY);
        List<Command> fromB = r.handle(new Event.Delta(1, 2, b.assignment(), 0, 0, 5, 5, 1, fp32(filled(0.01f)), 3));
        assertThat(of(fromB, Command.Reject.class)).isEmpty();
        assertThat(r.version()).isEqualTo(2);
    }
}
