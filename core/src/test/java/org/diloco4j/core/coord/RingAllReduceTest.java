package org.diloco4j.core.coord;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RingAllReduceTest {
    /** k = 4, |θ| = 1000: 2·3 phases of 250 values; 6000 values = 24000 bytes cross the network. */
    @Test
    void bytesAndSecondsOfOneAllReduce() {
        RingAllReduce r = new RingAllReduce(4, 1000);
        assertThat(r.networkBytes()).isEqualTo(24_000);
        assertThat(r.bytesPerDeviceEachWay()).isEqualTo(3_000.0);
        // The devices' shares, each booked up and down, add up to what crosses the network.
        assertThat(4 * 2 * r.bytesPerDeviceEachWay()).isEqualTo((double) r.networkBytes());
        // 6 phases of a 1000-byte chunk at 1000 B/s plus 10 ms each.
        assertThat(r.seconds(1000, 0.01)).isCloseTo(6 * 1.01, within(1e-12));
    }

    @Test
    void oneDeviceMovesNothing() {
        RingAllReduce r = new RingAllReduce(1, 1000);
        assertThat(r.networkBytes()).isZero();
        assertThat(r.bytesPerDeviceEachWay()).isZero();
        assertThat(r.seconds(1000, 0.01)).isZero();
    }
}
