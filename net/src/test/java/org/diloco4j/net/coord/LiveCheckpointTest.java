package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint written from the live arrays holds the event loop until the file is written: an
 * event queued behind it must not run (and change the arrays) while the store is still saving.
 */
class LiveCheckpointTest {
    static final RuntimeListener QUIET = new RuntimeListener() {
        public void metric(Metric m) {
        }

        public void segment(String worker, Segment.Kind kind, double start, double end) {
        }

        public void log(String line) {
        }
    };

    @Test
    void anEventQueuedBehindALiveCheckpointRunsOnlyAfterTheSave() throws Exception {
        Coordinator c = new Coordinator(FileCheckpointStoreTest.CONFIG, FragmentPlan.whole(16), new float[16], m -> { });
        // No copy is small enough to be always made: this Nesterov state (θ, momentum, the round's mean) is cut live.
        RuntimeState st = new RuntimeState(c, FileCheckpointStoreTest.CONFIG, FileCheckpointStoreTest.TOML, 0);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch eventRan = new CountDownLatch(1);
        CompletableFuture<CheckpointStore.Checkpoint> saved = new CompletableFuture<>();
        CheckpointStore store = new CheckpointStore() {
            public void save(Checkpoint cp) {
                try {
                    // Long enough for a loop that did not wait to run the queued event.
                    eventRan.await(300, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                order.add("saved");
                saved.complete(cp);
            }

            public Optional<Checkpoint> load() {
                return Optional.empty();
            }
        };
        try (RuntimeThreads threads = new RuntimeThreads(e -> { })) {
            Upkeep upkeep = new Upkeep(st, RuntimeOptions.defaults(), QUIET, CoordinatorMetrics.NONE, null, store, threads, () -> 0,
                    Set::of, r -> threads.loop(r, null));
            CompletableFuture<Void> done = new CompletableFuture<>();
            threads.loop(() -> upkeep.checkpoint(false), null);
            threads.loop(() -> {
                order.add("event");
                eventRan.countDown();
            }, null);
            threads.loop(() -> done.complete(null), null);
            done.get(5, TimeUnit.SECONDS);
            assertThat(saved.get(5, TimeUnit.SECONDS).state().coordinator().savedTheta()).as("the cut holds the live θ").isSameAs(c.theta());
            assertThat(order).containsExactly("saved", "event");
        }
    }
}
