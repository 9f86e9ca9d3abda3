package org.diloco4j.core.dylu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WorkerSpeedsTest {
    @Test
    void emaStartsAtTheFirstReportThenBlends() {
        WorkerSpeeds s = new WorkerSpeeds(SpeedConfig.ema(0.25));
        assertThat(s.speed(1)).isEmpty();
        s.record(1, 100, 10); // 10 steps/s
        assertThat(s.speed(1).getAsDouble()).isEqualTo(10.0);
        s.record(1, 100, 5); // 20 steps/s
        assertThat(s.speed(1).getAsDouble()).isCloseTo(0.25 * 20 + 0.75 * 10, within(1e-12));
        s.record(2, 3, 1);
        assertThat(s.snapshot()).containsOnlyKeys(1, 2);
        s.forget(1);
        assertThat(s.speed(1)).isEmpty();
    }

    @Test
    void windowIsTotalStepsOverTotalSecondsOfTheLastReports() {
        WorkerSpeeds s = new WorkerSpeeds(SpeedConfig.window(2));
        s.record(0, 10, 1);
        s.record(0, 10, 4);
        assertThat(s.speed(0).getAsDouble()).isEqualTo(4.0);
        s.record(0, 30, 1); // the first report falls out: (10 + 30) / (4 + 1)
        assertThat(s.speed(0).getAsDouble()).isEqualTo(8.0);
    }

    @Test
    void rejectsMeaninglessReportsAndSettings() {
        WorkerSpeeds s = new WorkerSpeeds(SpeedConfig.defaults());
        assertThatThrownBy(() -> s.record(3, 0, 1)).hasMessageContaining("member 3").hasMessageContaining("steps > 0, got 0");
        assertThatThrownBy(() -> s.record(3, 5, 0)).hasMessageContaining("seconds > 0, got 0.0");
        assertThatThrownBy(() -> s.record(3, 5, Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> SpeedConfig.ema(0)).hasMessageContaining("dylu.speed.alpha = 0.0");
        assertThatThrownBy(() -> SpeedConfig.window(0)).hasMessageContaining("dylu.speed.window = 0");
        assertThat(SpeedConfig.parseMode("Window")).isEqualTo(SpeedConfig.Mode.WINDOW);
        assertThatThrownBy(() -> SpeedConfig.parseMode("median")).hasMessageContaining("ema, window");
    }

    /** One worker claiming 24 steps in 1e-300 s is read as the fastest honest worker: the honest plan is what it was without it. */
    @Test
    void oneLiarCannotShrinkTheHonestWorkersSteps() {
        DyluPlanner planner = new DyluPlanner(24, 1);
        WorkerSpeeds honest = new WorkerSpeeds(SpeedConfig.defaults());
        WorkerSpeeds withLiar = new WorkerSpeeds(SpeedConfig.defaults());
        double[] secondsPer24 = {10, 14, 24};
        for (WorkerSpeeds s : new WorkerSpeeds[] {honest, withLiar}) {
            for (int w = 0; w < secondsPer24.length; w++) s.record(w, 24, secondsPer24[w]);
        }
        withLiar.record(9, 24, 1e-300);
        java.util.List<Integer> three = java.util.List.of(0, 1, 2);
        java.util.List<Integer> four = java.util.List.of(0, 1, 2, 9);
        for (int w : three) assertThat(planner.stepsFor(w, four, withLiar)).as("worker %d", w).isEqualTo(planner.stepsFor(w, three, honest));
        assertThat(planner.stepsFor(0, four, withLiar)).isEqualTo(24);
        assertThat(withLiar.speed(9).getAsDouble()).isEqualTo(honest.speed(0).getAsDouble());
        // Two workers, one lying: the lower median is the honest one.
        WorkerSpeeds pair = new WorkerSpeeds(SpeedConfig.defaults());
        pair.record(0, 24, 12);
        pair.record(1, 24, Double.MIN_VALUE);
        assertThat(planner.stepsFor(0, java.util.List.of(0, 1), pair)).isEqualTo(24);
    }

    @Test
    void honestSpeedsWithinTheBoundAreLeftAsReported() {
        WorkerSpeeds s = new WorkerSpeeds(SpeedConfig.defaults());
        s.record(0, 10, 10);
        s.record(1, 10, 10);
        s.record(2, 10, 10 / (WorkerSpeeds.OUTLIER_FACTOR - 0.5));
        assertThat(s.speed(2).getAsDouble()).isCloseTo(WorkerSpeeds.OUTLIER_FACTOR - 0.5, within(1e-9));
        s.record(3, 10, 10 / (WorkerSpeeds.OUTLIER_FACTOR + 1)); // above 8 × the lower median (1): read as the fastest that is not
        assertThat(s.speed(3).getAsDouble()).isCloseTo(WorkerSpeeds.OUTLIER_FACTOR - 0.5, within(1e-9));
        assertThat(s.speed(0).getAsDouble()).isEqualTo(1.0);
    }
}
