package org.diloco4j.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingScheduleTest {
    @Test
    void offsetsAreSpreadEvenly() {
        StreamingSchedule s = new StreamingSchedule(100, 4, 0);
        assertThat(s.spacing()).isEqualTo(25);
        assertThat(List.of(s.offset(0), s.offset(1), s.offset(2), s.offset(3))).containsExactly(0, 25, 50, 75);
    }

    @Test
    void eachFragmentIsDueOncePerPeriodAtItsOffset() {
        StreamingSchedule s = new StreamingSchedule(100, 4, 0);
        assertThat(s.fragmentsDueAt(25)).containsExactly(1);
        assertThat(s.fragmentsDueAt(75)).containsExactly(3);
        assertThat(s.fragmentsDueAt(100)).containsExactly(0);
        assertThat(s.fragmentsDueAt(150)).containsExactly(2);
        assertThat(s.fragmentsDueAt(26)).isEmpty();
        assertThat(s.fragmentsDueAt(1)).isEmpty();
        List<Integer> seen = new ArrayList<>();
        for (int t = 1; t <= 300; t++) seen.addAll(s.fragmentsDueAt(t));
        // Three periods: 1, 2, 3, 0 repeated (fragment 0's first sync is at t = H).
        assertThat(seen).containsExactly(1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0);
    }

    @Test
    void oneFragmentIsPlainDiLoCo() {
        StreamingSchedule s = new StreamingSchedule(50, 1, 0);
        for (int t = 1; t <= 200; t++) assertThat(s.fragmentsDueAt(t)).as("t=%d", t).isEqualTo(t % 50 == 0 ? List.of(0) : List.of());
    }

    @Test
    void nextSyncStepAndMergeStep() {
        StreamingSchedule s = new StreamingSchedule(100, 4, 3);
        assertThat(s.nextSyncStep(0, 0)).isEqualTo(100);
        assertThat(s.nextSyncStep(1, 0)).isEqualTo(25);
        assertThat(s.nextSyncStep(1, 24)).isEqualTo(25);
        assertThat(s.nextSyncStep(1, 25)).isEqualTo(125);
        assertThat(s.nextSyncStep(0, 100)).isEqualTo(200);
        assertThat(s.nextSyncStep(3, 99)).isEqualTo(175);
        for (long t = 0; t < 400; t++) {
            for (int p = 0; p < 4; p++) {
                long n = s.nextSyncStep(p, t);
                assertThat(n).isGreaterThan(t).isLessThanOrEqualTo(t + 100);
                assertThat(s.fragmentsDueAt(n)).containsExactly(p);
            }
        }
        assertThat(s.mergeStep(25)).isEqualTo(28);
    }

    @Test
    void validationSaysWhatIsWrong() {
        assertThatThrownBy(() -> new StreamingSchedule(100, 3, 0))
                .hasMessageContaining("H = 100 must be a multiple of P = 3").hasMessageContaining("H mod P = 1");
        assertThatThrownBy(() -> new StreamingSchedule(100, 4, 25)).hasMessageContaining("τ = 25 must be in [0, H/P) = [0, 25)");
        assertThatThrownBy(() -> new StreamingSchedule(100, 4, -1)).hasMessageContaining("τ = -1");
        assertThatThrownBy(() -> new StreamingSchedule(0, 1, 0)).hasMessageContaining("H (inner steps) must be >= 1, got 0");
        assertThatThrownBy(() -> new StreamingSchedule(10, 0, 0)).hasMessageContaining("P (fragments) must be >= 1, got 0");
        StreamingSchedule s = new StreamingSchedule(100, 4, 0);
        assertThatThrownBy(() -> s.fragmentsDueAt(0)).hasMessageContaining("counted from 1, got step 0");
        assertThatThrownBy(() -> s.offset(4)).hasMessageContaining("fragment 4 out of range [0, 4)");
    }
}
