package org.diloco4j.net.worker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void waitsGrowExponentiallyWithJitterUpToTheCap() throws InterruptedException {
        Backoff b = new Backoff(0.5, 4);
        double[] expectedMax = {0.5, 1, 2, 4, 4, 4};
        for (double max : expectedMax) assertThat(b.next()).isBetween(max / 2, max);
        b.reset();
        assertThat(b.failingFor()).isZero();
        assertThat(b.next()).isBetween(0.25, 0.5);
        Thread.sleep(2);
        assertThat(b.failingFor()).isGreaterThan(0);
    }
}
