package org.diloco4j.net.metrics;

import org.diloco4j.net.wire.WireCounter;

import java.util.List;

/**
 * What a coordinator runtime tells its monitoring: the seam between the runtime and Prometheus
 * (or nothing: {@link #NONE}). Counters count what happened in this process; a coordinator
 * resumed from a checkpoint starts them at zero, as Prometheus expects of a restarted process.
 * Calls come from the runtime's event loop unless a method says otherwise.
 */
public interface CoordinatorMetrics {
    /** Monitoring that records nothing. */
    CoordinatorMetrics NONE = new CoordinatorMetrics() {
    };

    /**
     * The runtime starts: the run's method, and the bytes its gRPC server counts on the wire (read
     * when scraped). Called once, before anything else.
     */
    default void attach(String method, WireCounter wire) {
    }

    /** The global θ is at {@code version} (after any event, and at start). */
    default void thetaVersion(long version) {
    }

    /**
     * {@code n} more passes over θ applied two or three pushes' outer steps together (pushes were
     * waiting for the coordinator: docs/bench/paired-arrivals.md, triple-arrivals.md).
     */
    default void pairedPasses(long n) {
    }

    /**
     * An outer update was applied.
     *
     * @param contributors names of the workers whose pseudo-gradients it applied
     * @param staleness    the staleness of each, in the same order (θ versions, or fragment rounds when streaming)
     */
    default void outerStep(List<String> contributors, List<Long> staleness) {
    }

    /** The byte ledger charged {@code received} bytes of pseudo-gradients from and {@code sent} bytes of θ to {@code worker}. */
    default void bytes(String worker, long received, long sent) {
    }

    /**
     * A push was accepted (applied or not): the tokens it reported, and the inner-training speed it
     * measured (tokens over its compute seconds; NaN if it did not measure any).
     */
    default void trained(String worker, long tokens, double tokensPerSecond) {
    }

    /** The mean training loss a worker reported with its latest push. */
    default void trainLoss(String worker, double loss) {
    }

    /**
     * A push was answered {@code seconds} after its last byte arrived: the wait for the event loop, the
     * checks, and the outer step's pass (or, deferred, the wait for the pushes it shares one with:
     * docs/bench/triple-arrivals.md). Refused uploads are not counted. Any thread.
     */
    default void pushAnswered(double seconds) {
    }

    /** A pseudo-gradient upload was rejected. Any thread. */
    default void rejected(RejectReason reason) {
    }

    /** A contribution was left out of an outer update. */
    default void dropped(DropReason reason) {
    }

    /** {@code worker} was admitted; {@code connected} workers have a live session now. */
    default void joined(String worker, int connected) {
    }

    /** {@code worker}'s session ended (left, lost, evicted, run over); {@code connected} remain. */
    default void gone(String worker, int connected) {
    }

    /** The global θ at {@code version} was evaluated on held-out data. */
    default void evaluated(long version, double loss) {
    }

    /** A checkpoint was written ({@code ok}) or failed. Called from the thread that writes it. */
    default void checkpointed(boolean ok) {
    }
}
