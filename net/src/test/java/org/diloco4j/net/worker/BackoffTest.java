package org.diloco4j.net.worker;

import org.diloco4j.net.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class BackoffTest {
    @Test
    void waitsGrowExponentiallyWithJitterUpToTheCap() {
        FakeClock clock = new FakeClock();
        Backoff b = new Backoff(0.5, 4, clock);
        double[] expectedMax = {0.5, 1, 2, 4, 4, 4};
        for (double max : expectedMax) assertThat(b.next()).isBetween(max / 2, max);
        b.reset();
        assertThat(b.failingFor()).isZero();
        assertThat(b.next()).isBetween(0.25, 0.5);
        clock.advance(7.5);
        assertThat(b.failingFor()).isEqualTo(7.5, offset(1e-9));
        // The failure clock starts at the first wait of a streak, not at later ones.
        b.next();
        clock.advance(1);
        assertThat(b.failingFor()).isEqualTo(8.5, offset(1e-9));
    }
}
