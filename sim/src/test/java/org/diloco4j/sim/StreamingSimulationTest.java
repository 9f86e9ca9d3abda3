package org.diloco4j.sim;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.Range;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StreamingSimulationTest {
    private static final LinkProfile LINK = LinkProfile.mbps(100, 100, 20);

    /** One fragment, no overlap, α = 0: every H steps the whole model is averaged and overwritten — plain DiLoCo. */
    @Test
    void oneFragmentWithoutOverlapIsPlainDiloco() {
        SimConfig sim = SimConfig.of(ToyRun.workers(LINK, 1, 1.3, 2), 6);
        CoordinatorConfig.Builder b = CoordinatorConfig.builder().innerSteps(8).minWorkers(3)
                .shards(ToyRun.equalShards(3)).maxOuterSteps(6);
        ToyRun diloco = new ToyRun(3, 1, 4).run(sim, b.method(Method.DILOCO).build(), 16, 0.02);
        ToyRun streaming = new ToyRun(3, 1, 4).run(sim, b.method(Method.STREAMING).overlap(0).mergeAlpha(0).build(), 16, 0.02);
        assertThat(streaming.theta).isEqualTo(diloco.theta);
        assertThat(streaming.result.bytesUp()).isEqualTo(diloco.result.bytesUp());
    }

    /**
     * P = 4 fragments, H = 8: fragment p is due when t mod 8 = 2p, so a worker sends fragments
     * 1, 2, 3, 0 after steps 2, 4, 6, 8 — a quarter of the model every 2 steps instead of all of it
     * every 8, so the peak bytes sent at any step drop by 4× while the total stays the same.
     */
    @Test
    void fragmentsAreSentOnAStaggeredScheduleAndPeakBytesDropByP() {
        ToyRun toy = new ToyRun(2, 1, 4);
        int n = toy.problem.size();
        List<Fragment> fragments = new ArrayList<>();
        int each = n / 4;
        for (int p = 0; p < 4; p++) fragments.add(new Fragment(p, List.of(new Range(p * each, p == 3 ? n - 3 * each : each))));
        SimConfig sim = SimConfig.of(ToyRun.workers(LINK, 1, 1), 6);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(8).minWorkers(2)
                .overlap(1).mergeAlpha(0.5).shards(ToyRun.equalShards(2)).maxOuterSteps(16).build();
        toy.run(sim, cc, fragments, 16, 0.02);

        List<Event.Delta> w0 = toy.events(Event.Delta.class).stream().filter(d -> d.member() == 0).toList();
        assertThat(w0).extracting(Event.Delta::fragment).startsWith(1, 2, 3, 0, 1, 2, 3, 0);
        assertThat(w0).extracting(Event.Delta::baseVersion).startsWith(0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L);
        // Each message is one fragment's encoding; its step counts are the 2 steps since the previous send.
        long whole = Codecs.parse("fp32").encodedSize(n);
        long peak = 0;
        for (Event.Delta d : w0) {
            assertThat(d.payload().size()).isEqualTo(Codecs.parse("fp32").encodedSize(fragments.get(d.fragment()).size()));
            assertThat(d.steps()).isEqualTo(2);
            peak = Math.max(peak, d.payload().size());
        }
        assertThat((double) peak).isCloseTo(whole / 4.0, within(whole * 0.05));
        // Sends leave at steps 2, 4, 6, 8 of a 1 s/step device: arrivals ~2, 4, 6, 8 s after θ arrived.
        double t0 = w0.get(0).time() - 2;
        for (int i = 0; i < 4; i++) assertThat(w0.get(i).time() - t0).isCloseTo(2.0 * (i + 1), within(0.05));
        assertThat(toy.metrics(Metric.OuterStep.class)).extracting(Metric.OuterStep::fragment).startsWith(1, 2, 3, 0, 1);
        assertThat(toy.finalLoss()).isLessThan(0.5 * toy.result.initialEval().loss());
    }

    /** With overlap τ = 1 a fast network hides communication: utilization is higher than without overlap. */
    @Test
    void overlapHidesCommunication() {
        ToyRun toy = new ToyRun(2, 1, 4);
        int n = toy.problem.size();
        List<Fragment> one = List.of(new Fragment(0, List.of(new Range(0, n))));
        LinkProfile slow = new LinkProfile(2000, 2000, 0.2, 0);
        SimConfig sim = SimConfig.of(ToyRun.workers(slow, 1, 1), 6);
        CoordinatorConfig.Builder b = CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(8).minWorkers(2)
                .shards(ToyRun.equalShards(2)).maxOuterSteps(5);
        ToyRun noOverlap = new ToyRun(2, 1, 4).run(sim, b.overlap(0).build(), one, 16, 0.02);
        ToyRun overlap = new ToyRun(2, 1, 4).run(sim, b.overlap(4).build(), one, 16, 0.02);
        assertThat(overlap.result.computeUtilization()).isGreaterThan(noOverlap.result.computeUtilization() + 0.05);
        assertThat(overlap.result.simulatedSeconds()).isLessThan(noOverlap.result.simulatedSeconds());
    }
}
