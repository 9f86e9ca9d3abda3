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

    public int size() {
        return size;
    }

    /**
     * Runs {@code task.accept(k)} for k = 0..n-1 (n ≤ size) concurrently, k = 0 on the calling
     * thread, and returns when all are done; rethrows the first failure.
     */
    public void run(int n, IntConsumer task) {
        if (n < 0 || n > size) throw new IllegalArgumentException("cannot run " + n + " tasks on a team of " + size);
        List<Future<?>> futures = new ArrayList<>(Math.max(0, n - 1));
        for (int k = 1; k < n; k++) {
            int member = k;
            futures.add(pool.submit(() -> task.accept(member)));
        }
        RuntimeException failure = null;
        if (n > 0) {
            try {
                task.accept(0);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted while waiting for the thread team", e);
            }
        }
        if (failure != null) throw failure;
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
