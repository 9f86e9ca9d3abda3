package org.diloco4j.model.nativ;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads that run one task each per call, the caller being member 0: how the
 * model parallelises, instead of libtorch's OpenMP pool (every libtorch op runs single-threaded
 * on the member that calls it; see ShardedStep for why). Members 1..size-1 are daemon threads.
 */
public final class ThreadTeam implements AutoCloseable {
    private final int size;
    private final ExecutorService pool;

    public ThreadTeam(int size, String name) {
        if (size < 1) throw new IllegalArgumentException("a thread team needs at least 1 member, got " + size);
        this.size = size;
        this.pool = size == 1 ? null : Executors.newFixedThreadPool(size - 1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** A thread count as configured, with 0 meaning all available processors. */
    public static int resolve(int threads) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all processors), got " + threads);
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    public int size() {
        return size;
    }

    /**
     * Runs {@code task.accept(k)} for k = 0..n-1 (n ≤ size) concurrently, k = 0 on the calling
     * thread, and returns when all are done; rethrows the first failure (Errors and
     * RuntimeExceptions as they are; later failures are attached as suppressed) only after every
     * task has finished, since the tasks may share native tensors that the caller frees next.
     */
    public void run(int n, IntConsumer task) {
        if (n < 0 || n > size) throw new IllegalArgumentException("cannot run " + n + " tasks on a team of " + size);
        List<Future<?>> futures = new ArrayList<>(Math.max(0, n - 1));
        for (int k = 1; k < n; k++) {
            int member = k;
            futures.add(pool.submit(() -> task.accept(member)));
        }
        Throwable failure = null;
        if (n > 0) {
            try {
                task.accept(0);
            } catch (Throwable t) {
                failure = t;
            }
        }
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    failure = first(failure, e.getCause());
                    break;
                } catch (InterruptedException e) {
                    // Keep waiting: the members may still be using the caller's native tensors.
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            failure = first(failure, new IllegalStateException("interrupted while waiting for the thread team"));
        }
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException(failure);
    }

    private static Throwable first(Throwable failure, Throwable next) {
        if (failure == null) return next;
        if (next != null && next != failure) failure.addSuppressed(next);
        return failure;
    }

    @Override
    public void close() {
        if (pool == null) return;
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
