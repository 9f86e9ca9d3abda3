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
}
