package org.diloco4j.model.nativ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ThreadTeamTest {
    @Test
    void runsTheTasksConcurrentlyWithTheCallerAsMemberZero() {
        Thread caller = Thread.currentThread();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CyclicBarrier allIn = new CyclicBarrier(3);   // would time out if the tasks ran one after another
        try (ThreadTeam team = new ThreadTeam(3, "test-team")) {
            team.run(3, k -> {
                threads.add(Thread.currentThread());
                if (k == 0) assertThat(Thread.currentThread()).isSameAs(caller);
                try {
                    allIn.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(threads).hasSize(3).contains(caller);
            int[] hits = new int[3];
            team.run(2, k -> hits[k]++);
            assertThat(hits).containsExactly(1, 1, 0);
        }
    }

    @Test
    void rethrowsAFailureAfterAllTasksFinished() {
        try (ThreadTeam team = new ThreadTeam(2, "test-team")) {
            boolean[] otherDone = new boolean[1];
            assertThatThrownBy(() -> team.run(2, k -> {
                if (k == 1) throw new IllegalArgumentException("boom in member 1");
                otherDone[0] = true;
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("boom in member 1");
            assertThat(otherDone[0]).isTrue();
            assertThatThrownBy(() -> team.run(3, k -> { })).hasMessageContaining("3 tasks").hasMessageContaining("team of 2");
        }
        assertThatThrownBy(() -> new ThreadTeam(0, "x")).hasMessageContaining("at least 1");
    }

    @Test
    void anErrorInMemberZeroPropagatesOnlyAfterTheOthersFinished() throws Exception {
        CountDownLatch zeroFailed = new CountDownLatch(1);
        AtomicBoolean othersDone = new AtomicBoolean();
        try (ThreadTeam team = new ThreadTeam(3, "test-team")) {
            assertThatThrownBy(() -> team.run(3, k -> {
                if (k == 0) {
                    zeroFailed.countDown();
                    throw new AssertionError("boom in member 0");
                }
                try {
                    // Still working (on shared native tensors, say) well after member 0 failed.
                    assertThat(zeroFailed.await(10, TimeUnit.SECONDS)).isTrue();
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                if (k == 2) othersDone.set(true);
            })).isInstanceOf(AssertionError.class).hasMessage("boom in member 0");
            assertThat(othersDone).as("member 2 finished before the error reached the caller").isTrue();
        }
    }
}
