package org.diloco4j.net;

import org.diloco4j.net.tls.PeerLog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** One line per address per window, a cap on all lines per window, and a count of what was left out. */
class PeerLogTest {
    private final AtomicLong now = new AtomicLong();
    private final List<String> lines = new ArrayList<>();
    private final PeerLog log = new PeerLog(lines::add, now::get, 60, 3);

    private void at(double seconds) {
        now.set((long) (seconds * 1e9));
    }

    @Test
    void oneLinePerAddressPerWindowThenACountOfTheRest() {
        for (int i = 0; i < 100; i++) log.log("10.0.0.1", "noise", "noise");
        assertThat(lines).containsExactly("noise");
        at(59);
        log.log("10.0.0.1", "noise", "noise");
        assertThat(lines).hasSize(1);
        at(61);
        log.log("10.0.0.1", "noise", "noise");
        assertThat(lines).containsExactly("noise", "noise (100 more like it not logged)");
    }

    @Test
    void manyAddressesAtOnceAreCappedPerWindow() {
        for (int i = 0; i < 50; i++) log.log("10.0.0." + i, "noise", "noise from " + i);
        assertThat(lines).containsExactly("noise from 0", "noise from 1", "noise from 2");
        at(60);
        log.log("10.0.0.99", "noise", "noise from 99");
        assertThat(lines).hasSize(4).last().isEqualTo("noise from 99 (47 lines from 47 other addresses not logged)");
    }

    /** What one address had left out is its own count; others' lines are told apart, with how many addresses sent them. */
    @Test
    void theCountLeftOutIsPerAddress() {
        for (int i = 0; i < 6; i++) log.log("10.0.0.1", "noise", "noise from 1");
        for (int i = 0; i < 8; i++) log.log("10.0.0.2", "noise", "noise from 2");
        for (int i = 0; i < 3; i++) log.log("10.0.0.1", "handshake", "handshake from 1");
        assertThat(lines).containsExactly("noise from 1", "noise from 2", "handshake from 1");
        at(60);
        log.log("10.0.0.1", "noise", "noise from 1");
        assertThat(lines).last().isEqualTo("noise from 1 (5 more like it not logged; 2 of other kinds from 10.0.0.1 not logged;"
                + " 7 lines from 1 other address not logged)");
        log.log("10.0.0.2", "noise", "noise from 2");
        assertThat(lines).as("told once").last().isEqualTo("noise from 2");
    }
}
