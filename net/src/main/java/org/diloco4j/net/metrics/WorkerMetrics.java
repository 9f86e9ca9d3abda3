package org.diloco4j.net.metrics;

import org.diloco4j.net.proto.WorkerStats;
import org.diloco4j.net.wire.WireCounter;

import java.util.function.Supplier;

/**
 * What a worker runtime tells its monitoring: the seam between the runtime and Prometheus (or
 * nothing: {@link #NONE}). Cumulative totals (steps, tokens, bytes, seconds) are read from the
 * worker's own accounting when scraped; these calls carry the rest. Called from the worker's
 * threads (the trainer, the uploader, the fetcher), so implementations must be thread-safe.
 */
public interface WorkerMetrics {
    /** Monitoring that records nothing. */
    WorkerMetrics NONE = new WorkerMetrics() {
    };

    /**
     * The runtime starts: where its cumulative totals (the same it reports in heartbeats) and the
     * bytes its channel counts on the wire are read when scraped. Called once, before anything else.
     */
    default void attach(Supplier<WorkerStats> totals, WireCounter wire) {
    }

    /** The coordinator admitted this worker as {@code name}. */
    default void joined(String name) {
    }

    /** This worker's membership ended; it is joining again (coordinator restarted, session lost, evicted). */
    default void rejoining() {
    }

    /** The membership ended for good (run over, refused, gave up, left). */
    default void ended() {
    }

    /** An assignment starts from the global θ at {@code version}. */
    default void thetaVersion(long version) {
    }

    /**
     * A stretch of inner training finished.
     *
     * @param seconds  how long it took (injected delays included)
     * @param meanLoss its mean training loss (NaN if none)
     */
    default void trained(int steps, long tokens, double seconds, double meanLoss) {
    }

    /** A pseudo-gradient was delivered; the coordinator accepted it or not. */
    default void pushed(boolean accepted) {
    }

    /** A θ (or fragment) was pulled in full. */
    default void pulled() {
    }
}
