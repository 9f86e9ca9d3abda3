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

    /** Callers that stopped joining are forgotten once their buckets have refilled, on the clock, without the table having to fill up first. */
    @Test
    void refilledBucketsAreSweptOnTheClock() {
        FakeClock clock = new FakeClock();
        JoinRate r = new JoinRate(3, 6, clock);
        for (int i = 0; i < 1000; i++) assertThat(r.take("10.0.0." + i)).isTrue();
        assertThat(r.size()).isEqualTo(1000);
        // An empty bucket refills in burst / rate = 3 / (6 per minute) = 30 s; one taken from, sooner.
        clock.advance(29);
        r.take("late");
        assertThat(r.size()).as("not yet a refill time since the table was last swept").isEqualTo(1001);
        clock.advance(1);
        r.take("late");
        assertThat(r.size()).as("all refilled but the caller that just joined").isEqualTo(1);
        assertThat(r.take("10.0.0.5")).as("a forgotten caller starts again from a full bucket").isTrue();
    }

    @Test
    void defaultsFollowTheRunsWorkers() {
        assertThat(AdmissionLimits.DEFAULT.resolve(4)).isEqualTo(new AdmissionLimits(64, 10, 10));
        assertThat(AdmissionLimits.DEFAULT.resolve(32)).isEqualTo(new AdmissionLimits(128, 64, 10));
        assertThat(new AdmissionLimits(5, 0, 30).resolve(32)).isEqualTo(new AdmissionLimits(5, 64, 30));
    }
}
