package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streaming with members that join one by one while fragment rounds are open (as after a
 * coordinator restart): a worker that sent a fragment waits for that fragment's next values, so a
 * round that waits for a member which itself waits for another round that waits for this one would
 * never close. The coordinator closes such a round without that member.
 */
class StreamingStaggeredJoinsTest {
    final StreamingRun run = new StreamingRun(StreamingModel.config().minWorkers(1).build(), false);
    final Coordinator c = run.c;
    final List<Metric> metrics = run.metrics;
    double now;

    List<Command> push(int member, long generation, int fragment, long round) {
        return run.push(member, generation, fragment, round, now += 0.1);
    }

    static boolean sends(List<Command> out, int member, int fragment, long round) {
        return StreamingRun.sends(out, member, fragment, round);
    }

    /**
     * The sequence of the stalled StreamingRestartTest run: A trains alone, sending fragment 0
     * before fragment 1; B joins at rounds {1, 1}, its fragment-0 push arrives late, it catches up
     * with fragment 1 (round 2) and waits for it; A sends fragment 0 (round 2) and waits for it. Round
     * 2 of fragment 0 waits for B, round 2 of fragment 1 for A: on the old code nothing closed again.
     */
    @Test
    void aMemberWaitingForAnotherFragmentIsLeftOutOfTheRoundThatWaitsForIt() {
        Answers.handle(c, new Event.Join("a", -1, 0, now));
        assertThat(sends(push(0, 1, 0, 0), 0, 0, 1)).isTrue();
        assertThat(sends(push(0, 1, 1, 0), 0, 1, 1)).isTrue();
        List<Command> join = Answers.handle(c, new Event.Join("b", -1, 0, now));
        assertThat(join).anyMatch(x -> x instanceof Command.Train t && t.member() == 1 && java.util.Arrays.equals(t.rounds(), new long[] {1, 1}));
        assertThat(sends(push(0, 1, 0, 1), 1, 0, 2)).isTrue();
        assertThat(sends(push(0, 1, 1, 1), 1, 1, 2)).isTrue();
        push(1, 2, 0, 1);
        assertThat(metrics).anyMatch(m -> m instanceof Metric.Decision d && d.member() == 1 && d.cause() == DropCause.LATE);
        assertThat(push(1, 2, 1, 2)).noneMatch(x -> x instanceof Command.ApplyFragment);
        metrics.clear();

        // A waits for fragment 0, whose round waits for B, who waits for fragment 1, whose round waits for A.
        List<Command> out = push(0, 1, 0, 2);
        assertThat(sends(out, 1, 1, 3)).as("fragment 1's round closes without A and B gets its values").isTrue();
        assertThat(metrics).anyMatch(m -> m instanceof Metric.Decision d && d.member() == 0 && d.cause() == DropCause.WAITS_IN_CYCLE
                && d.reason().contains("fragment 1 round 2"));
        // Applied whole: one outer step of fragment 1, from B's contribution alone.
        assertThat(metrics).filteredOn(m -> m instanceof Metric.OuterStep).singleElement()
                .satisfies(m -> assertThat(((Metric.OuterStep) m).contributors()).containsExactly(1));
        // B, released, sends fragment 0 of round 2: that round closes and A gets its values.
        assertThat(sends(push(1, 2, 0, 2), 0, 0, 3)).isTrue();
        // Both now send fragment 1 of round 3, and it closes with both.
        push(0, 1, 1, 3);
        metrics.clear();
        assertThat(sends(push(1, 2, 1, 3), 0, 1, 4)).isTrue();
        assertThat(metrics).filteredOn(m -> m instanceof Metric.OuterStep).singleElement()
                .satisfies(m -> assertThat(((Metric.OuterStep) m).contributors()).containsExactlyInAnyOrder(0, 1));
    }

    /**
     * Many runs on a virtual clock with random message delays and worker speeds: three workers
     * train, the coordinator crashes and restarts from a checkpoint taken a little earlier, and the
     * workers rejoin one by one while rounds are open. Every run reaches its outer-step limit;
     * on the old code 24 of these 2000 runs stalled (all workers waiting, no round able to close).
     */
    @Test
    void staggeredRejoinsAfterARestartNeverStall() {
        staggeredRejoins(StreamingModel.PLAN, StreamingModel.H, 2000);
    }

    /** The same with four fragments, as in experiments/streaming.toml: longer cycles, through more waiting members. */
    @Test
    void staggeredRejoinsWithFourFragmentsNeverStall() {
        staggeredRejoins(StreamingModel.plan(4), 12, 600);
    }

    private static void staggeredRejoins(org.diloco4j.core.params.FragmentPlan plan, int h, int seeds) {
        int late = 0, joinedAfter = 0, leftOut = 0;
        for (long seed = 0; seed < seeds; seed++) {
            SplittableRandom r = new SplittableRandom(seed * 31 + 7);
            StreamingModel m = new StreamingModel(StreamingModel.config().innerSteps(h).maxOuterSteps(60).build(), plan, 3, seed,
                    r.nextDouble() * 3, 1);
            for (StreamingModel.Worker w : m.workers) {
                m.join(w, 0);
                w.stepSeconds = 0.05 + r.nextDouble() * 3;
            }
            int checkpointAt = 3 + r.nextInt(8);
            m.run(() -> m.coordinator.outerSteps() >= checkpointAt);
            Coordinator.State saved = m.coordinator.state();
            double crash = m.now + r.nextDouble() * 15;
            m.run(() -> m.now >= crash);
            // Until the crash the workers started together and send in the same order: no round ever waits in a cycle.
            assertThat(m.metrics).as("seed %d before the crash", seed)
                    .noneMatch(x -> x instanceof Metric.Decision d && d.cause() == DropCause.WAITS_IN_CYCLE);
            double[] rejoin = new double[3];
            for (int i = 0; i < 3; i++) rejoin[i] = m.now + r.nextDouble() * 40;
            m.restart(saved, rejoin);
            m.run(() -> false);

            assertThat(m.stalled()).as("seed %d stalled:%n%s", seed, String.join("\n", m.decisions())).isFalse();
            assertThat(m.coordinator.outerSteps()).isEqualTo(60);
            for (Metric x : m.metrics) {
                if (!(x instanceof Metric.Decision d) || d.kind() != DecisionKind.DROP || d.cause() == null) continue;
                switch (d.cause()) {
                    case JOINED_AFTER_ROUND -> joinedAfter++;
                    case LATE -> late++;
                    case WAITS_IN_CYCLE -> leftOut++;
                    default -> {
                    }
                }
            }
        }
        // The runs went through the stalled run's sequence: late pushes, pushes of rounds opened before their member joined, cycles.
        assertThat(late).isPositive();
        assertThat(joinedAfter).isPositive();
        assertThat(leftOut).isPositive();
    }

    /** Without joins after the start (no crash), the workers send the fragments in one order: nothing is ever left out of a round. */
    @Test
    void healthyRunsLeaveNobodyOutOfARound() {
        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            StreamingModel m = new StreamingModel(StreamingModel.config().maxOuterSteps(40).build(), 3, seed, r.nextDouble() * 3, 1);
            for (StreamingModel.Worker w : m.workers) {
                m.join(w, 0);
                w.stepSeconds = 0.05 + r.nextDouble() * 3;
            }
            m.run(() -> false);
            assertThat(m.coordinator.outerSteps()).isEqualTo(40);
            assertThat(m.metrics).as("seed %d", seed).noneMatch(x -> x instanceof Metric.Decision d && d.cause() == DropCause.WAITS_IN_CYCLE);
        }
    }
}
