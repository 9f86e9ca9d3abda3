package org.diloco4j.net.worker;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WorkerSession} whose signals wait in a queue: other threads (the order stream, a push
 * that found the session gone, a fetched fragment) add them, the training thread takes them.
 * {@link GrpcSession} and the tests' fake sessions share it.
 */
abstract class QueuedSession implements WorkerSession {
    protected final LinkedBlockingQueue<Signal> signals = new LinkedBlockingQueue<>();

    @Override
    public Signal next(long millis) {
        try {
            return signals.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void post(Signal s) {
        signals.add(s);
    }
}
