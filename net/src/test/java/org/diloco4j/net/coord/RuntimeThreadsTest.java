package org.diloco4j.net.coord;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeThreadsTest {
    @Test
    void aWaitedWriteRunsAfterTheQueuedOnes() throws Exception {
        try (RuntimeThreads t = new RuntimeThreads(e -> { })) {
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            t.write(() -> {
                await(go);
                order.add("older");
            });
            CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> t.writeAndWait(() -> order.add("newer"), false));
            Thread.sleep(50);
            assertThat(waited).isNotDone();
            go.countDown();
            waited.get(5, TimeUnit.SECONDS);
            assertThat(order).containsExactly("older", "newer");
        }
    }

    /**
     * A loop task that outlives close's wait (and ignores the interrupt) leaves the loop running:
     * RunLoop.close must then not close the θ store under it. Slow: close waits its full 10 + 1 s.
     */
    @Test
    void aLoopTaskThatOutlivesCloseLeavesTheLoopNotEnded() throws Exception {
        RuntimeThreads t = new RuntimeThreads(e -> { });
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        t.loop(() -> {
            running.countDown();
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // Deaf to close's interrupt, as a task stuck in a native call would be.
                }
            }
        }, null);
        running.await();
        t.close();
        assertThat(t.loopEnded()).isFalse();
        release.countDown();
        RuntimeThreads idle = new RuntimeThreads(e -> { });
        idle.close();
        assertThat(idle.loopEnded()).isTrue();
    }

    @Test
    void onTheWriterThreadItRunsAtOnce() throws Exception {
        try (RuntimeThreads t = new RuntimeThreads(e -> { })) {
            CompletableFuture<String> r = new CompletableFuture<>();
            t.write(() -> t.writeAndWait(() -> r.complete(Thread.currentThread().getName()), false));
            assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo("diloco-checkpoint");
        }
    }

    /** A checkpoint the loop waits for does not queue behind an evaluation on the background thread. */
    @Test
    void aWaitedWriteDoesNotWaitForAnEvaluation() throws Exception {
        CountDownLatch evaluating = new CountDownLatch(1);
        try (RuntimeThreads t = new RuntimeThreads(e -> { })) {
            try {
                t.background(() -> await(evaluating));
                CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> t.writeAndWait(() -> { }, true));
                waited.get(5, TimeUnit.SECONDS);
                assertThat(evaluating.getCount()).as("the evaluation is still running").isEqualTo(1);
            } finally {
                // Before close(), which waits for the evaluation.
                evaluating.countDown();
            }
        }
    }

    /**
     * A write from the live arrays is waited for even if the waiting thread is interrupted (it
     * would go on to change them under the write); the interrupt is kept for the caller.
     */
    @Test
    void anUninterruptibleWaitOutlastsAnInterrupt() throws Exception {
        try (RuntimeThreads t = new RuntimeThreads(e -> { })) {
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            AtomicBoolean written = new AtomicBoolean();
            CountDownLatch returned = new CountDownLatch(1);
            AtomicBoolean writtenWhenReturned = new AtomicBoolean();
            AtomicBoolean interruptKept = new AtomicBoolean();
            Thread waiter = new Thread(() -> {
                t.writeAndWait(() -> {
                    writing.countDown();
                    await(finish);
                    written.set(true);
                }, true);
                writtenWhenReturned.set(written.get());
                interruptKept.set(Thread.currentThread().isInterrupted());
                returned.countDown();
            });
            waiter.start();
            assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
            waiter.interrupt();
            // The waiter must still be waiting: it returns only once the write is released.
            assertThat(returned.await(200, TimeUnit.MILLISECONDS)).as("returned before the write ended").isFalse();
            finish.countDown();
            assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(writtenWhenReturned).as("the write had ended when the wait returned").isTrue();
            assertThat(interruptKept).as("the interrupt is restored").isTrue();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
