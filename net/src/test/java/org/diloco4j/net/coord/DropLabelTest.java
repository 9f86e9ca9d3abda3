package org.diloco4j.net.coord;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.net.metrics.DropReason;
import org.diloco4j.net.metrics.PrometheusCoordinatorMetrics;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code reason} label of the dropped-contributions counter comes from the coordinator's drop
 * code: real drops decided by the core coordinator, fed as the runtime feeds them, land under the
 * label their code maps to (whatever their text says).
 */
class DropLabelTest {
    static final int N = 4;
    final PrometheusRegistry registry = new PrometheusRegistry();
    final Coordinator coordinator = new Coordinator(CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).minWorkers(2).quorum(1)
            .roundDeadline(10).outer(OuterOptimizerConfig.sgd(1)).weighting(new WeightingConfig("uniform", 0, -1)).build(),
            FragmentPlan.whole(N), new float[N], m -> feed().metric(m));
    private MetricsFeed feed;

    private MetricsFeed feed() {
        if (feed == null) feed = new MetricsFeed(new PrometheusCoordinatorMetrics(registry), coordinator);
        return feed;
    }

    /** Member → the assignment of its latest train order. */
    private final Map<Integer, Long> assigned = new TreeMap<>();

    private void deliver(Event e) {
        feed().begin(e);
        var out = coordinator.handle(e);
        for (var c : out) if (c instanceof org.diloco4j.core.coord.Command.Train t) assigned.put(t.member(), t.assignment());
        feed().end(out);
    }

    /** A push of {@code member} answering its latest assignment. */
    private Event.Delta push(int member, long generation, double time) {
        return new Event.Delta(member, generation, assigned.getOrDefault(member, 0L), 0, 0, 5, 5, 1, ones(), time);
    }

    private Map<String, Double> dropped() {
        Map<String, Double> out = new TreeMap<>();
        for (var s : registry.scrape().stream().filter(s -> s.getMetadata().getPrometheusName().equals("diloco_coordinator_contributions_dropped")).toList()) {
            for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) s).getDataPoints()) {
                if (p.getValue() > 0) out.put(p.getLabels().get("reason"), p.getValue());
            }
        }
        return out;
    }

    static Payload ones() {
        return new Payload.Bytes("fp32", Codecs.parse("fp32").encode(new float[]{1, 1, 1, 1}));
    }

    @Test
    void aMissedDeadlineAndALateDeltaAreCountedByTheirCodeAndAnOutsidersReplayIsNoDrop() {
        deliver(new Event.Join("a", -1, 0, 0));
        deliver(new Event.Join("b", -1, 0, 0));
        deliver(new Event.Join("c", -1, 0, 1));
        deliver(push(2, 3, 2));                                                    // c has no assignment: a replay, refused
        deliver(push(0, 1, 2));
        deliver(new Event.Timer("round:0", 10));                                   // b missed the deadline
        deliver(push(1, 2, 11));                                                   // b is late
        assertThat(dropped()).containsExactly(Map.entry("deadline", 1.0), Map.entry("late", 1.0));
    }

    @Test
    void anIdleMembersNoContributionIsNotCountedTwice() {
        deliver(new Event.Join("a", -1, 0, 0));
        deliver(new Event.Join("b", -1, 0, 0));
        deliver(new Event.Idle(0, 1, assigned.get(0), 0, "its push was refused", 2));
        assertThat(dropped()).isEmpty();
    }

    @Test
    void everyCodeHasALabel() {
        EnumSet<DropReason> used = EnumSet.noneOf(DropReason.class);
        for (DropCause c : DropCause.values()) used.add(DropReason.of(c));
        assertThat(used).containsExactlyInAnyOrder(DropReason.values());
        assertThat(DropReason.of(DropCause.JOINED_AFTER_ROUND)).isEqualTo(DropReason.NOT_IN_ROUND);
        assertThat(DropReason.of(DropCause.NON_FINITE).label()).isEqualTo("invalid");
        assertThat(DropReason.of(DropCause.WEIGHT_NOT_REPRESENTABLE).label()).isEqualTo("invalid");
        assertThat(DropReason.of(DropCause.STALE).label()).isEqualTo("stale");
        assertThat(DropReason.of(DropCause.DUPLICATE).label()).isEqualTo("duplicate");
        assertThat(DropReason.of(DropCause.WAITS_IN_CYCLE).label()).isEqualTo("waits_in_cycle");
    }
}
