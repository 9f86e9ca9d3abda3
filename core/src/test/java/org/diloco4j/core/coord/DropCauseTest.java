package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each drop the coordinator's policies decide carries its code in the decision record. */
class DropCauseTest {
    static final int N = 8;
    final List<Metric> metrics = new ArrayList<>();

    Coordinator coordinator(CoordinatorConfig cfg) {
        return new Coordinator(cfg, FragmentPlan.whole(N), new float[N], metrics::add);
    }

    static Payload ones() {
        float[] v = new float[N];
        java.util.Arrays.fill(v, 1);
        return new Payload.Bytes("fp32", Codecs.parse("fp32").encode(v));
    }

    /** The drop decisions since the last call, as (member, cause). */
    List<String> drops() {
        List<String> out = new ArrayList<>();
        for (Metric m : metrics) {
            if (m instanceof Metric.Decision d && d.kind() == DecisionKind.DROP) out.add(d.member() + ":" + d.cause());
        }
        metrics.clear();
        return out;
    }

    /** Two members in a round (streaming: a round per fragment) with a 10 s deadline; a third joins while it runs. */
    Coordinator threeJoined(Method method) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(method).innerSteps(5).minWorkers(2).quorum(1).roundDeadline(10)
                .outer(OuterOptimizerConfig.sgd(1)).weighting(new WeightingConfig("uniform", 0, -1)).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        Answers.handle(c, new Event.Join("b", -1, 0, 0));
        Answers.handle(c, new Event.Join("c", -1, 0, 1));
        metrics.clear();
        return c;
    }

    /**
     * The member outside the round (c), then the one that missed the deadline (b), then b's late
     * pseudo-gradient, with the drop code each gets from {@code method}'s policy.
     */
    void outsiderThenMissedDeadlineThenLate(Method method, String timer, DropCause outsider) {
        Coordinator c = threeJoined(method);
        // Sync gives the outsider no assignment, so it names one that never was (a replay); streaming gives it one.
        long id = outsider == null ? Answers.NEVER_ISSUED : Answers.AUTO;
        Answers.handle(c, new Event.Delta(2, 3, id, 0, 0, 5, 5, 1, ones(), 2));
        if (outsider != null) {
            assertThat(drops()).containsExactly("2:" + outsider);
        } else {
            // The outsider was given no assignment: its push answers none, and is a replay, not a drop.
            assertThat(metrics).anyMatch(m -> m instanceof Metric.Decision d && d.kind() == DecisionKind.REJECT && d.reason().startsWith("replay"));
            assertThat(drops()).isEmpty();
        }
        Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, ones(), 2));
        Answers.handle(c, new Event.Timer(timer, 10));
        assertThat(drops()).contains("1:" + DropCause.MISSED_DEADLINE).allMatch(d -> d.endsWith(":" + DropCause.MISSED_DEADLINE));
        Answers.handle(c, new Event.Delta(1, 2, Answers.AUTO, 0, 0, 5, 5, 1, ones(), 11));
        assertThat(drops()).containsExactly("1:" + DropCause.LATE);
    }

    @Test
    void syncOutsiderIsAReplayThenMissedDeadlineThenLate() {
        outsiderThenMissedDeadlineThenLate(Method.DILOCO, "round:0", null);
    }

    @Test
    void streamingOutsiderJoinedAfterTheRoundThenMissedDeadlineThenLate() {
        outsiderThenMissedDeadlineThenLate(Method.STREAMING, "fragment:0:0", DropCause.JOINED_AFTER_ROUND);
    }

    @Test
    void anIdleReportIsNoContribution() {
        Coordinator c = threeJoined(Method.DILOCO);
        Answers.handle(c, new Event.Idle(0, 1, Answers.AUTO, 0, "its push was refused", 2));
        assertThat(drops()).containsExactly("0:" + DropCause.NO_CONTRIBUTION);
    }

    @Test
    void asyncStalerThanTheMaximumIsStale() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5)
                .outer(OuterOptimizerConfig.sgd(1)).weighting(new WeightingConfig("uniform", 0, 1)).build();
        Coordinator c = coordinator(cfg);
        for (int w = 0; w < 3; w++) Answers.handle(c, new Event.Join("w" + w, -1, 0, 0));
        Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, ones(), 1));
        Answers.handle(c, new Event.Delta(1, 2, Answers.AUTO, 0, 0, 5, 5, 1, ones(), 2));
        assertThat(drops()).isEmpty();
        Answers.handle(c, new Event.Delta(2, 3, Answers.AUTO, 0, 0, 5, 5, 1, ones(), 3));
        assertThat(drops()).containsExactly("2:" + DropCause.STALE);
    }

    @Test
    void onlyADropHasACause() {
        assertThatThrownBy(() -> new Metric.Decision(DecisionKind.JOIN, 0, "joined", 0, DropCause.LATE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
