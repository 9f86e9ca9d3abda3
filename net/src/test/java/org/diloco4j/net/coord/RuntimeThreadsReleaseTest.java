package org.diloco4j.net.coord;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A runtime's threads that are still alive keep nothing of their owner. A live pool thread is a GC root
 * that holds its executor and the executor its thread factory; the writer's factory captured the
 * RuntimeThreads, and through its failure handler the run loop's θ, momentum and accumulator. Closing
 * lets the threads end, but one still finishing when a collection runs kept it all: at 100M parameters
 * the benchmark found ~1.4 GB in use after the System.gc() before its read-back in 2 of 4 runs (a
 * heap dump an instant later: nothing referred to it any more), and in none of 4 since. Here the threads
 * are left running, the sure way to have them alive at the collection (their executors are shut down by
 * the JDK's cleaner once unreachable).
 */
class RuntimeThreadsReleaseTest {
    @Test
    void liveThreadsDoNotKeepTheirOwner() {
        WeakReference<Consumer<Throwable>> owner = threadsLeftRunning();
        for (int i = 0; i < 10 && owner.get() != null; i++) System.gc();
        assertThat(owner.get()).as("the failure handler (the run loop) while the writer's thread lives").isNull();
    }

    /** Threads that wrote once, so the writer's thread was made and waits for more; a reference to their failure handler. */
    private static WeakReference<Consumer<Throwable>> threadsLeftRunning() {
        Consumer<Throwable> onFailure = new Consumer<>() {
            final byte[] state = new byte[1 << 20];

            @Override
            public void accept(Throwable t) {
            }
        };
        new RuntimeThreads(onFailure).writeAndWait(() -> { }, false);
        return new WeakReference<>(onFailure);
    }
}
