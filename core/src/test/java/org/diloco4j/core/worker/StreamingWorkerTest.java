package org.diloco4j.core.worker;

import org.diloco4j.core.stream.StreamingSchedule;
import org.diloco4j.core.worker.StreamingWorker.Action;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamingWorkerTest {
    /** What a driver saw: a send or a merge of a fragment, after inner step {@code step}. */
    private record Seen(String what, long step, int fragment) {
    }

    /**
     * A driver whose network is instant: every send's outer result is back at once. Closed form:
     * with spacing s = H/P, fragment m mod P is sent after step m·s (m ≥ 1) and merged after step
     * m·s + τ, before anything else happens.
     */
    @ParameterizedTest
    @CsvSource({"8,4,1", "8,4,0", "6,3,1", "4,1,3", "12,3,3", "12,4,2"})
    void sendsAndMergesFollowTheClosedForm(int h, int p, int tau) {
        StreamingWorker<String> w = new StreamingWorker<>(new StreamingSchedule(h, p, tau));
        w.start(new long[p]);
        List<Seen> seen = new ArrayList<>();
        List<Integer> trained = new ArrayList<>();
        while (w.step() < 3L * h) {
            switch (w.next()) {
                case Action.Send<String>(int f) -> {
                    seen.add(new Seen("send", w.step(), f));
                    assertThat(w.arrived(f, "θ" + f + "@" + w.step())).isFalse();
                }
                case Action.Merge<String>(int f, String a) -> {
                    seen.add(new Seen("merge", w.step(), f));
                    assertThat(a).isEqualTo("θ" + f + "@" + (w.step() - tau));
                }
                case Action.Wait<String> wait -> throw new AssertionError("an instant network never waits: " + wait);
                case Action.Train<String>(int n) -> {
                    trained.add(n);
                    w.stepsDone(n);
                }
            }
        }
        int s = h / p;
        List<Seen> expected = new ArrayList<>();
        for (int m = 1; (long) m * s < 3L * h; m++) {
            expected.add(new Seen("send", (long) m * s, m % p));
            if ((long) m * s + tau < 3L * h) expected.add(new Seen("merge", (long) m * s + tau, m % p));
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        // Training stops at every send and every merge, never beyond.
        assertThat(trained.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3 * h);
        assertThat(trained).allMatch(n -> n == s || (tau > 0 && (n == tau || n == s - tau)));
    }

    /** H = 4, P = 2, τ = 1: fragment 1 leaves after step 2 and is due back after step 3. */
    @Test
    void aLateFragmentBlocksUntilItArrivesThenMerges() {
        StreamingWorker<String> w = new StreamingWorker<>(new StreamingSchedule(4, 2, 1));
        w.start(new long[2]);
        assertThat(w.next()).isEqualTo(new Action.Train<String>(2));
        w.stepsDone(2);
        assertThat(w.next()).isEqualTo(new Action.Send<String>(1));
        assertThat(w.next()).isEqualTo(new Action.Train<String>(1));
        w.stepsDone(1);
        assertThat(w.next()).isEqualTo(new Action.Wait<String>(1));
        assertThat(w.next()).as("asking again while nothing came").isEqualTo(new Action.Wait<String>(1));
        assertThat(w.arrived(0, "θ0")).as("not what it waits for").isFalse();
        assertThat(w.arrived(1, "θ1")).isTrue();
        assertThat(w.next()).isEqualTo(new Action.Merge<>(1, "θ1"));
        // Fragment 0 came without a pending merge: it merges as soon as the due one is done.
        assertThat(w.next()).isEqualTo(new Action.Merge<>(0, "θ0"));
        assertThat(w.next()).isEqualTo(new Action.Train<String>(1));
        w.stepsDone(1);
        assertThat(w.next()).isEqualTo(new Action.Send<String>(0));
        assertThat(w.arrived(0, "late")).as("not due yet: no one waits").isFalse();
    }

    @Test
    void dueMergesComeFirstThenUnaskedArrivalsByFragmentInArrivalOrder() {
        StreamingWorker<String> w = new StreamingWorker<>(new StreamingSchedule(4, 2, 1));
        w.start(new long[2]);
        w.arrived(1, "b1");
        w.arrived(0, "a1");
        w.arrived(1, "b2");
        assertThat(List.of(w.next(), w.next(), w.next(), w.next())).containsExactly(
                new Action.Merge<>(0, "a1"), new Action.Merge<>(1, "b1"), new Action.Merge<>(1, "b2"), new Action.Train<>(2));
        w.stepsDone(2);
        assertThat(w.next()).isEqualTo(new Action.Send<String>(1));
        w.arrived(0, "a2");
        w.arrived(1, "b3");
        w.arrived(1, "b4");
        assertThat(w.next()).as("fragment 1 is pending: its arrivals wait for step 3").isEqualTo(new Action.Merge<>(0, "a2"));
        assertThat(w.next()).isEqualTo(new Action.Train<String>(1));
        w.stepsDone(1);
        assertThat(List.of(w.next(), w.next(), w.next())).containsExactly(
                new Action.Merge<>(1, "b3"), new Action.Merge<>(1, "b4"), new Action.Train<>(1));
    }

    /**
     * A joiner at rounds {1, 1} (H = 4, P = 2) starts counting at step 4, one spacing before fragment
     * 1's round-1 send at step 6. Step 4 is itself a send step, so it sends fragment 0 at once, with
     * no steps trained: what both drivers did before this class existed (pinned so that a change is
     * deliberate).
     */
    @Test
    void aJoinerStartsWhereTheRunningWorkersAre() {
        StreamingWorker<String> w = new StreamingWorker<>(new StreamingSchedule(4, 2, 0));
        w.start(new long[] {1, 1});
        assertThat(w.step()).isEqualTo(4);
        assertThat(w.next()).isEqualTo(new Action.Send<String>(0));
        assertThat(w.next()).isEqualTo(new Action.Wait<String>(0));
        w.arrived(0, "θ0");
        assertThat(w.next()).isEqualTo(new Action.Merge<>(0, "θ0"));
        assertThat(w.next()).isEqualTo(new Action.Train<String>(2));
        w.stepsDone(2);
        assertThat(w.next()).isEqualTo(new Action.Send<String>(1));
    }

    @Test
    void aRestoredWorkerContinuesExactlyAsTheOriginal() {
        StreamingWorker<String> a = new StreamingWorker<>(new StreamingSchedule(8, 4, 1));
        a.start(new long[4]);
        a.arrived(3, "x");
        a.next();
        a.next();
        a.stepsDone(2);
        assertThat(a.next()).isEqualTo(new Action.Send<String>(1));
        a.arrived(2, "y");
        StreamingWorker<String> b = new StreamingWorker<>(new StreamingSchedule(8, 4, 1));
        b.restore(a.state());
        assertThat(b.state()).isEqualTo(a.state());
        for (int i = 0; i < 12; i++) {
            Action<String> next = a.next();
            assertThat(b.next()).isEqualTo(next);
            if (next instanceof Action.Train<String>(int n)) {
                a.stepsDone(n);
                b.stepsDone(n);
            } else if (next instanceof Action.Send<String>(int f)) {
                a.arrived(f, "r" + i);
                b.arrived(f, "r" + i);
            }
        }
        assertThatThrownBy(() -> new StreamingWorker<String>(new StreamingSchedule(8, 2, 1)).restore(a.state()))
                .hasMessage("streaming state has 4 fragments; this schedule has 2");
    }

    @Test
    void stopForgetsPendingMergesAndArrivals() {
        StreamingWorker<String> w = new StreamingWorker<>(new StreamingSchedule(4, 2, 1));
        w.start(new long[2]);
        w.stepsDone(2);
        w.next();
        w.arrived(0, "a");
        w.stop();
        assertThat(w.state()).isEqualTo(new StreamingWorker.State<String>(0, -1, List.of(), List.of(List.of(), List.of()), -1));
    }

    @Test
    void trainingPastTheNextBoundaryOrAnUnknownFragmentIsRefused() {
        StreamingWorker<String> w = new StreamingWorker<>(new StreamingSchedule(4, 2, 1));
        w.start(new long[2]);
        assertThatThrownBy(() -> w.stepsDone(3)).hasMessage("trained 3 steps from step 0; the next boundary is at 2");
        assertThatThrownBy(() -> w.arrived(2, "z")).hasMessage("fragment 2 arrived; the schedule has fragments [0, 2)");
    }
}
