package org.diloco4j.core.dylu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DyluPlannerTest {
    /** The public toy's four devices: 0.58, 0.75, 1.51 and 3.33 seconds per inner step. */
    static WorkerSpeeds toyDevices() {
        WorkerSpeeds s = new WorkerSpeeds(SpeedConfig.ema(0.5));
        double[] secondsPerStep = {0.58, 0.75, 1.51, 3.33};
        for (int m = 0; m < 4; m++) s.record(m, 100, 100 * secondsPerStep[m]);
        return s;
    }

    @Test
    void scalesStepsBySpeedRelativeToTheFastest() {
        // floor(H · 0.58 / t_w): 100·0.58/0.75 = 77.3, /1.51 = 38.4, /3.33 = 17.4.
        StepPlan p = new DyluPlanner(100, 1).plan(List.of(0, 1, 2, 3), toyDevices());
        assertThat(p.steps()).containsExactly(
                Map.entry(0, 100), Map.entry(1, 77), Map.entry(2, 38), Map.entry(3, 17));
        // H = 500: 386.7, 192.05, 87.1.
        StepPlan q = new DyluPlanner(500, 1).plan(List.of(3, 2, 1, 0), toyDevices());
        assertThat(q.steps().values()).containsExactly(500, 386, 192, 87);
        assertThat(q.reasons().get(1)).contains("0.7733 × fastest").endsWith("→ 386 steps");
    }

    @Test
    void keepsTheFloor() {
        StepPlan p = new DyluPlanner(100, 20).plan(List.of(0, 1, 2, 3), toyDevices());
        assertThat(p.stepsFor(3)).isEqualTo(20);
        assertThat(p.stepsFor(2)).isEqualTo(38);
        assertThat(p.reasons().get(3)).endsWith("→ 20 steps (floor 20)");
    }

    @Test
    void unmeasuredWorkersGetHAndDoNotSetTheScale() {
        WorkerSpeeds s = toyDevices();
        StepPlan p = new DyluPlanner(100, 1).plan(List.of(1, 3, 9), s);
        // Member 0 (the fastest) is not in this plan: member 1 is now the fastest.
        assertThat(p.stepsFor(1)).isEqualTo(100);
        assertThat(p.stepsFor(3)).isEqualTo(22); // 100 · 0.75 / 3.33 = 22.5
        assertThat(p.stepsFor(9)).isEqualTo(100);
        assertThat(p.reasons().get(9)).isEqualTo("speed not measured yet → H = 100");
        assertThatThrownBy(() -> p.stepsFor(0)).hasMessageContaining("member 0 is not in this plan");
    }

    @Test
    void tiesAtTheTopAllGetHAndRatiosMeantExactStayExact() {
        WorkerSpeeds s = new WorkerSpeeds(SpeedConfig.ema(1));
        s.record(5, 10, 1);
        s.record(2, 10, 1);
        s.record(7, 29, 10); // 2.9 steps/s = 0.29 × fastest; 0.29 · 100 is 28.999999999999996 in binary
        StepPlan p = new DyluPlanner(100, 1).plan(List.of(7, 5, 2), s);
        assertThat(p.stepsFor(5)).isEqualTo(100);
        assertThat(p.stepsFor(2)).isEqualTo(100);
        assertThat(p.stepsFor(7)).isEqualTo(29);
        assertThat(p.steps().keySet()).containsExactly(2, 5, 7);
    }

    @Test
    void singleWorkerPlanningMatchesTheRoundPlan() {
        WorkerSpeeds s = toyDevices();
        DyluPlanner planner = new DyluPlanner(100, 1);
        StepPlan p = planner.plan(List.of(0, 1, 2, 3), s);
        for (int m = 0; m < 4; m++) assertThat(planner.stepsFor(m, List.of(0, 1, 2, 3), s)).isEqualTo(p.stepsFor(m));
        assertThat(planner.stepsFor(42, List.of(0, 1), s)).isEqualTo(100);
        // Alone, or faster than every active worker: it is the fastest.
        assertThat(planner.stepsFor(3, List.of(), s)).isEqualTo(100);
    }

    @Test
    void validatesItsSettings() {
        assertThatThrownBy(() -> new DyluPlanner(0, 1)).hasMessageContaining("must be >= 1, got 0");
        assertThatThrownBy(() -> new DyluPlanner(100, 0)).hasMessageContaining("dylu.min-steps = 0").hasMessageContaining("[1, 100]");
        assertThatThrownBy(() -> new DyluPlanner(100, 101)).hasMessageContaining("dylu.min-steps = 101");
    }
}
