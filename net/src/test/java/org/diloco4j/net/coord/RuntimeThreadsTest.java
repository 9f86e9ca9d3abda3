package org.diloco4j.net.coord;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeThreadsTest {
    @Test
    void aWaitedTaskRunsAfterTheQueuedOnes() throws Exception {
        try (RuntimeThreads t = new RuntimeThreads(e -> { })) {
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            t.background(() -> {
                try {
                    go.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                order.add("older");
            });
            CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> t.backgroundAndWait(() -> order.add("newer")));
            Thread.sleep(50);
            assertThat(waited).isNotDone();
            go.countDown();
            waited.get(5, TimeUnit.SECONDS);
            assertThat(order).containsExactly("older", "newer");
        }
    }

    @Test
    void onTheBackgroundThreadItRunsAtOnce() throws Exception {
        try (RuntimeThreads t = new RuntimeThreads(e -> { })) {
            CompletableFuture<String> r = new CompletableFuture<>();
            t.background(() -> t.backgroundAndWait(() -> r.complete(Thread.currentThread().getName())));
            assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo("diloco-background");
        }
    }
}
