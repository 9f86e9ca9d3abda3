package org.diloco4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
    @Test
    void warmsUpLinearlyThenFollowsTheCosineToTheFloor() {
        LrSchedule s = new LrSchedule(4, 104, 0.1);
        assertThat(s.multiplier(0)).isEqualTo(0.25);
        assertThat(s.multiplier(3)).isEqualTo(1.0);
        assertThat(s.multiplier(4)).isEqualTo(1.0);                                 // cosine starts at the peak
        assertThat(s.multiplier(54)).isCloseTo(0.1 + 0.5 * 0.9, within(1e-12));     // half way: mid point
        assertThat(s.multiplier(79)).isCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.75)), within(1e-12));
        assertThat(s.multiplier(104)).isEqualTo(0.1);
        assertThat(s.multiplier(1_000_000)).isEqualTo(0.1);
    }

    @Test
    void decreasesMonotonicallyAfterWarmup() {
        LrSchedule s = LrSchedule.warmupCosine(10, 500);
        for (long t = 10; t < 600; t++) assertThat(s.multiplier(t + 1)).isLessThanOrEqualTo(s.multiplier(t));
    }

    @Test
    void constantAndWarmupOnly() {
        assertThat(LrSchedule.constant().multiplier(0)).isEqualTo(1.0);
        assertThat(LrSchedule.constant().multiplier(10_000)).isEqualTo(1.0);
        LrSchedule warm = new LrSchedule(10, 0, 0.1);
        assertThat(warm.multiplier(4)).isEqualTo(0.5);
        assertThat(warm.multiplier(500)).isEqualTo(1.0);
    }

    @Test
    void validatesWithNamedErrors() {
        assertThatThrownBy(() -> new LrSchedule(-1, 0, 0.1)).hasMessageContaining("warmupSteps");
        assertThatThrownBy(() -> new LrSchedule(100, 50, 0.1)).hasMessageContaining("decaySteps (50)").hasMessageContaining("100");
        assertThatThrownBy(() -> new LrSchedule(0, 10, 1.5)).hasMessageContaining("minLrRatio");
        assertThatThrownBy(() -> new AdamWConfig(0, 0.9, 0.95, 1e-8, 0.1)).hasMessageContaining("adamw.lr");
        assertThatThrownBy(() -> new AdamWConfig(1e-3, 1.0, 0.95, 1e-8, 0.1)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> TrainerConfig.defaults().withGradClip(-1)).hasMessageContaining("gradClip");
        assertThatThrownBy(() -> TrainerConfig.defaults().withDropout(1)).hasMessageContaining("dropout");
        assertThatThrownBy(() -> TrainerConfig.defaults().withThreads(-2)).hasMessageContaining("threads");
    }
}
