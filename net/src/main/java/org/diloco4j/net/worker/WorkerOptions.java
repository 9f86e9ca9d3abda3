package org.diloco4j.net.worker;

import java.util.UUID;

/**
 * How a worker process takes part.
 *
 * @param name                    display name (the coordinator makes it unique)
 * @param shard                   the data shard it holds, or -1 to be given one
 * @param threads                 compute threads for its trainer, each step split over them (0: all cores)
 * @param stepDelayMillis         extra time per inner step, to emulate a slower device (0: none)
 * @param reconnectTimeoutSeconds how long to keep trying to reach a coordinator that went away
 * @param instance                random id of this process
 */
public record WorkerOptions(String name, int shard, int threads, long stepDelayMillis, double reconnectTimeoutSeconds, String instance) {
    public WorkerOptions {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("worker name is empty");
        if (shard < -1) throw new IllegalArgumentException("shard " + shard + ": must be >= 0, or -1 to be given one");
        if (threads < 0) throw new IllegalArgumentException("threads " + threads + ": must be >= 0");
        if (stepDelayMillis < 0) throw new IllegalArgumentException("step delay " + stepDelayMillis + " ms: must be >= 0");
        if (!(reconnectTimeoutSeconds > 0)) throw new IllegalArgumentException("reconnect timeout " + reconnectTimeoutSeconds + " s: must be > 0");
    }

    public static WorkerOptions named(String name) {
        return new WorkerOptions(name, -1, 0, 0, org.diloco4j.net.wire.Limits.DEFAULT_RECONNECT_TIMEOUT_SECONDS, newInstance());
    }

    public static String newInstance() {
        return UUID.randomUUID().toString();
    }

    public WorkerOptions withStepDelay(long millis) {
        return new WorkerOptions(name, shard, threads, millis, reconnectTimeoutSeconds, instance);
    }

    public WorkerOptions withReconnectTimeout(double seconds) {
        return new WorkerOptions(name, shard, threads, stepDelayMillis, seconds, instance);
    }
}
