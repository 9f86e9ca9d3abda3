package org.diloco4j.app.cmd;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT/SIGTERM) asks the running job to stop at the next event boundary; the JVM waits
 * (bounded) until the job has saved its checkpoint before it exits.
 */
final class StopSignal {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    private StopSignal() {
        hook = new Thread(() -> {
            requested.set(true);
            try {
                if (!done.await(120, TimeUnit.SECONDS)) System.err.println("diloco: gave up waiting for the checkpoint after 120 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "diloco-stop");
    }

    static StopSignal install() {
        StopSignal s = new StopSignal();
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    AtomicBoolean requested() {
        return requested;
    }

    void done() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and has just been released.
        }
    }
}
