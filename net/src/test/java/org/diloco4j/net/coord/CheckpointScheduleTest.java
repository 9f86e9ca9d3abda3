package org.diloco4j.net.coord;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointScheduleTest {
    @Test
    void aCopiedCheckpointCountsItsIntervalsFromTheCut() {
        CheckpointSchedule s = new CheckpointSchedule(10, 60, 0, 0);
        assertThat(s.dueBySteps(9, 1)).isFalse();
        assertThat(s.dueBySteps(10, 1)).isTrue();
        s.copied(1, 10);
        assertThat(s.dueByTime(11, 60)).isFalse();
        assertThat(s.dueByTime(10, 61)).as("θ unchanged").isFalse();
        assertThat(s.dueByTime(11, 61)).isTrue();
    }

    /**
     * A live checkpoint paused the loop from 100 to 130 s: the next interval counts from 130, and
     * nothing is due before 130 + 4 × 30 s, whatever the steps or seconds since.
     */
    @Test
    void aLiveCheckpointCountsFromTheEndOfItsPauseAndSpacesTheNext() {
        CheckpointSchedule s = new CheckpointSchedule(10, 60, 0, 0);
        s.written(100, 130, 10);
        assertThat(s.dueByTime(11, 189)).as("60 s from the cut, not from the write's end").isFalse();
        assertThat(s.dueByTime(11, 190)).as("60 s from the write's end, but within 4 pauses").isFalse();
        assertThat(s.dueBySteps(20, 249)).as("10 steps later, but within 4 pauses").isFalse();
        assertThat(s.dueBySteps(20, 250)).isTrue();
        assertThat(s.dueByTime(11, 250)).isTrue();
    }

    @Test
    void zeroIntervalsAreNever() {
        CheckpointSchedule s = new CheckpointSchedule(0, 0, 0, 0);
        assertThat(s.dueBySteps(1_000, 1e6)).isFalse();
        assertThat(s.dueByTime(1_000, 1e6)).isFalse();
    }
}
