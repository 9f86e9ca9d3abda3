package org.diloco4j.net.coord;

import org.diloco4j.net.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JoinRateTest {
    @Test
    void anAddressGetsItsBurstThenTheRate() {
        FakeClock clock = new FakeClock();
        JoinRate r = new JoinRate(3, 6, clock);
        for (int i = 0; i < 3; i++) assertThat(r.take("10.0.0.5")).isTrue();
        assertThat(r.take("10.0.0.5")).isFalse();
        assertThat(r.waitSeconds("10.0.0.5")).isEqualTo(10.0);
        assertThat(r.take("10.0.0.6")).as("another address has its own bucket").isTrue();
        clock.advance(10);
        assertThat(r.take("10.0.0.5")).isTrue();
        assertThat(r.take("10.0.0.5")).isFalse();
        clock.advance(3600);
        for (int i = 0; i < 3; i++) assertThat(r.take("10.0.0.5")).as("refilled to the burst, not beyond").isTrue();
        assertThat(r.take("10.0.0.5")).isFalse();
    }

    @Test
    void defaultsFollowTheRunsWorkers() {
        assertThat(AdmissionLimits.DEFAULT.resolve(4)).isEqualTo(new AdmissionLimits(64, 10, 10));
        assertThat(AdmissionLimits.DEFAULT.resolve(32)).isEqualTo(new AdmissionLimits(128, 64, 10));
        assertThat(new AdmissionLimits(5, 0, 30).resolve(32)).isEqualTo(new AdmissionLimits(5, 64, 30));
    }
}
