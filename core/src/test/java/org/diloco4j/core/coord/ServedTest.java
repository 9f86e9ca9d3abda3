package org.diloco4j.core.coord;

import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.core.coord.CoordinatorTest.N;
import static org.diloco4j.core.coord.CoordinatorTest.filled;
import static org.diloco4j.core.coord.CoordinatorTest.fp32;
import static org.diloco4j.core.coord.CoordinatorTest.of;

/**
 * A worker served a newer θ than its order named (the network runtime shares snapshots) answers
 * its assignment from that version: the assignment moves forward, the push from the served version
 * is accepted and its staleness counts from it, and nothing else moves an assignment.
 */
class ServedTest {
    final List<Metric> metrics = new ArrayList<>();

    Coordinator coordinator(Method method) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(method).innerSteps(5).minWorkers(2).build();
        return new Coordinator(cfg, FragmentPlan.whole(N), new float[N], metrics::add);
    }

    /** The push that answers {@code t}, from {@code base}. */
    static Event.Delta push(Command.Train t, long base, double time) {
        return new Event.Delta(t.member(), t.generation(), t.assignment(), base, 0, 5, 5, 1, fp32(filled(0.01f)), time);
    }

    static Event.Served served(Command.Train t, long version, double time) {
        return new Event.Served(t.member(), t.generation(), t.assignment(), version, time);
    }

    /** Two members train from v0; member 1 pushes first (θ becomes v1), member 0 is served v1. */
    record Started(Coordinator c, Command.Train first, Command.Train second) {
    }

    Started started(Method method) {
        Coordinator c = coordinator(method);
        c.handle(new Event.Join("a", -1, 0, 0));
        List<Command.Train> t = of(c.handle(new Event.Join("b", -1, 0, 0)), Command.Train.class);
        assertThat(t).hasSize(2);
        return new Started(c, t.get(0), t.get(1));
    }

    @Test
    void rebaseMovesOnlyAnOutstandingAssignmentAndOnlyForward() {
        Assignments a = new Assignments();
        Assignment x = a.issue(0, 0, 3, 5, 1.0);
        assertThat(a.rebase(0, x.id() + 1, 4)).isNull();
        assertThat(a.rebase(1, x.id(), 4)).isNull();
        assertThat(a.rebase(0, x.id(), 3)).isNull();
        assertThat(a.rebase(0, x.id(), 2)).isNull();
        Assignment moved = a.rebase(0, x.id(), 4);
        assertThat(moved).isEqualTo(new Assignment(x.id(), 0, 0, 4, 5, 1.0));
        assertThat(a.answer(0, x.id(), 0, 3).replay()).contains("from v4, not fragment 0 from v3");
        assertThat(a.answer(0, x.id(), 0, 4).assignment()).isEqualTo(moved);
    }

    @Test
    void aServedVersionIsTheBaseOfThePushAndOfItsStaleness() {
        Started s = started(Method.ASYNC);
        Coordinator c = s.c();
        assertThat(of(c.handle(push(s.second(), 0, 1)), Command.Reject.class)).isEmpty();
        assertThat(c.version()).isEqualTo(1);
        c.handle(served(s.first(), 1, 1.5));
        assertThat(c.outstanding(s.first().member())).singleElement().extracting(Assignment::baseVersion).isEqualTo(1L);

        List<Command> out = c.handle(push(s.first(), 1, 2));
        assertThat(of(out, Command.Reject.class)).isEmpty();
        Metric.OuterStep step = (Metric.OuterStep) metrics.stream().filter(m -> m instanceof Metric.OuterStep).toList().getLast();
        assertThat(step.contributors()).containsExactly(0);
        assertThat(step.staleness()).containsExactly(0L);
    }

    @Test
    void thePushFromTheOrderedVersionIsAReplayOnceAnotherWasServed() {
        Started s = started(Method.ASYNC_DN_DYLU);
        Coordinator c = s.c();
        c.handle(push(s.second(), 0, 1));
        c.handle(served(s.first(), 1, 1.5));
        Command.Reject r = of(c.handle(push(s.first(), 0, 2)), Command.Reject.class).getFirst();
        assertThat(r.code()).isEqualTo(Refusal.REPLAY);
        assertThat(r.reason()).contains("from v1, not fragment 0 from v0");
    }

    @Test
    void anAssignmentNeverMovesBackNorPastThetaNorForAnotherMember() {
        Started s = started(Method.ASYNC);
        Coordinator c = s.c();
        int m = s.first().member();
        c.handle(served(s.first(), 5, 0.5)); // θ is at v0: there is no v5 to have served
        assertThat(c.outstanding(m).getFirst().baseVersion()).isZero();
        c.handle(push(s.second(), 0, 1));
        c.handle(new Event.Served(m, s.first().generation() + 7, s.first().assignment(), 1, 1.2)); // another generation: fenced off
        c.handle(new Event.Served(m, s.first().generation(), s.second().assignment(), 1, 1.3)); // not this member's assignment
        assertThat(c.outstanding(m).getFirst().baseVersion()).isZero();
        c.handle(served(s.first(), 1, 1.5));
        c.handle(served(s.first(), 0, 1.6));
        assertThat(c.outstanding(m)).singleElement().extracting(Assignment::baseVersion).isEqualTo(1L);
    }

    @Test
    void synchronousRoundsKeepTheExactVersionTheyNamed() {
        Started s = started(Method.DILOCO);
        Coordinator c = s.c();
        c.handle(served(s.first(), 1, 0.5));
        assertThat(c.outstanding(s.first().member())).singleElement().extracting(Assignment::baseVersion).isEqualTo(0L);
    }

    @Test
    void sharedSnapshotsAreThetaItselfCopiesAreNot() {
        Coordinator copying = started(Method.ASYNC).c();
        Coordinator sharing = coordinator(Method.ASYNC);
        sharing.shareTheta();
        sharing.handle(new Event.Join("a", -1, 0, 0));
        Command.Train shared = of(sharing.handle(new Event.Join("b", -1, 0, 0)), Command.Train.class).getFirst();
        assertThat(shared.theta().values()).isSameAs(sharing.theta());
        Command.Train copied = of(copying.handle(new Event.Join("c", -1, 0, 0)), Command.Train.class).getFirst();
        assertThat(copied.theta().values()).isNotSameAs(copying.theta()).containsExactly(copying.theta());
    }
}
