package org.diloco4j.net.coord;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The coordinator runtime's threads: the event loop (one thread: it alone touches the coordinator),
 * a scheduler for the coordinator's timers and periodic housekeeping, a background thread for
 * evaluations, and a writer thread for checkpoint files (one, so writes stay in order). Writes have
 * their own thread so that a checkpoint the loop waits for never queues behind an evaluation: the
 * loop would stop for the whole evaluation.
 */
final class RuntimeThreads implements AutoCloseable {
    private final ExecutorService loop = Executors.newSingleThreadExecutor(named("diloco-coordinator"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(named("diloco-timers"));
    private final ExecutorService background = Executors.newSingleThreadExecutor(named("diloco-background"));
    /**
     * The writer's thread, set by its factory. The factory must not capture {@code this}: a live pool thread
     * holds its executor and the executor its factory, so a writer thread still ending after {@link #close}
     * kept the loop's whole state (θ, momentum, accumulator) reachable through {@code onFailure} at the
     * benchmark's collection before its checkpoint read-back (RuntimeThreadsReleaseTest).
     */
    private final AtomicReference<Thread> writerThread = new AtomicReference<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(writerFactory(writerThread));
    private final Consumer<Throwable> onFailure;
    /** Set by {@link #halt}: why the loop runs nothing more. */
    private volatile Throwable halted;
    // Event loop only: the pending timer of each key and the sequence number that identifies it.
    private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();
    private final Map<String, Long> seqs = new HashMap<>();
    private long seq;

    RuntimeThreads(Consumer<Throwable> onFailure) {
        this.onFailure = onFailure;
    }

    private static ThreadFactory writerFactory(AtomicReference<Thread> made) {
        ThreadFactory f = named("diloco-checkpoint");
        return r -> {
            Thread t = f.newThread(r);
            made.set(t);
            return t;
        };
    }

    private static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code housekeeping} on the loop every {@code periodSeconds}. */
    void start(Runnable housekeeping, double periodSeconds) {
        long nanos = Math.max(1_000_000L, (long) (periodSeconds * 1e9));
        scheduler.scheduleAtFixedRate(() -> loop(housekeeping, null), nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Queues {@code r} on the event loop. If it throws, {@code f} (if any) fails and the runtime is
     * told; if the loop is shut down, {@code f} fails with "shut down"; if it was halted, {@code r}
     * does not run and {@code f} fails with why.
     */
    void loop(Runnable r, CompletableFuture<?> f) {
        try {
            loop.execute(() -> {
                Throwable why = halted;
                if (why != null) {
                    if (f != null) f.completeExceptionally(new IllegalStateException("the coordinator stopped after an internal error: " + why));
                    return;
                }
                try {
                    r.run();
                } catch (Throwable t) {
                    if (f != null) f.completeExceptionally(t);
                    onFailure.accept(t);
                }
            });
        } catch (RejectedExecutionException e) {
            if (f != null) f.completeExceptionally(new IllegalStateException("the coordinator is shut down"));
        }
    }

    /**
     * (Event loop.) Arms timer {@code key} to call {@code fire} with its sequence number after
     * {@code delaySeconds}, replacing an earlier timer of the same key; {@code fire} must check
     * {@link #current} on the loop, since a replaced timer may already be queued.
     */
    void schedule(String key, double delaySeconds, LongConsumer fire) {
        ScheduledFuture<?> old = timers.remove(key);
        if (old != null) old.cancel(false);
        long s = ++seq;
        seqs.put(key, s);
        long nanos = Math.max(0, (long) (delaySeconds * 1e9));
        try {
            timers.put(key, scheduler.schedule(() -> fire.accept(s), nanos, TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            seqs.remove(key);
        }
    }

    /** (Event loop.) True, once, if {@code s} is still the live timer of {@code key}. */
    boolean current(String key, long s) {
        Long c = seqs.get(key);
        if (c == null || c != s) return false;
        seqs.remove(key);
        timers.remove(key);
        return true;
    }

    /**
     * After an internal error that may have left the coordinator's state torn: nothing more runs on
     * the loop (no event, timer, housekeeping or checkpoint of that state), and its timers stop.
     * Work already on the writer thread (checkpoints copied before the error) still finishes.
     */
    void halt(Throwable why) {
        halted = why;
        scheduler.shutdownNow();
    }

    /** (Event loop.) Disarms every timer. */
    void cancelTimers() {
        for (ScheduledFuture<?> f : timers.values()) f.cancel(false);
        timers.clear();
        seqs.clear();
    }

    /** Runs {@code r} on the background thread (evaluations). */
    void background(Runnable r) {
        submit(background, r);
    }

    /** Runs {@code r} on the writer thread, after the writes queued before it. */
    void write(Runnable r) {
        submit(writer, r);
    }

    private void submit(ExecutorService e, Runnable r) {
        try {
            e.execute(() -> {
                try {
                    r.run();
                } catch (Throwable t) {
                    onFailure.accept(t);
                }
            });
        } catch (RejectedExecutionException x) {
            // Shutting down: the work is dropped.
        }
    }

    /**
     * Runs {@code r} on the writer thread after the writes queued before it, and waits for it (so a
     * synchronous checkpoint write stays in order with the queued ones). Runs it at once if called
     * on the writer thread, or if the writer is shut down. The writer never waits for the loop, so
     * the loop waiting for it cannot deadlock.
     *
     * @param uninterruptibly wait even if interrupted (the flag is restored afterwards): for a write
     *                        from the live arrays, which the caller must not change until it is done
     *                        — else the file could be torn yet carry a valid CRC. Otherwise an
     *                        interrupt just stops the wait; the write stays queued, in order.
     */
    void writeAndWait(Runnable r, boolean uninterruptibly) {
        if (Thread.currentThread() == writerThread.get()) {
            r.run();
            return;
        }
        Future<?> f;
        try {
            f = writer.submit(r);
        } catch (RejectedExecutionException e) {
            r.run();
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (!uninterruptibly) return;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException x) throw x;
                    if (e.getCause() instanceof Error x) throw x;
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        loop.shutdown();
        await(loop, 10);
        background.shutdown();
        await(background, 60);
        writer.shutdown();
        await(writer, 60);
    }

    /** Whether the event loop's thread has ended (after {@link #close}: a task may outlive its wait and interrupt). */
    boolean loopEnded() {
        return loop.isTerminated();
    }

    private static void await(ExecutorService e, int seconds) {
        try {
            // Interrupted, a task usually ends at once: wait a little for it, so callers may see it ended.
            if (!e.awaitTermination(seconds, TimeUnit.SECONDS)) {
                e.shutdownNow();
                e.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            e.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
