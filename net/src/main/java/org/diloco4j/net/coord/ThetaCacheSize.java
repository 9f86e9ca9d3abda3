package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.net.wire.RunDefinition;

/**
 * The byte budget for encoded θ snapshots ({@link ThetaStore}): what the coordinator's memory bound
 * gives them. Asynchronous Delayed Nesterov keeps θ, the momentum and the accumulator (3 × 4 bytes per
 * parameter); the bound is 3.5 × 4 bytes per parameter (plus the uploads held in memory), which
 * leaves {@link #BYTES_PER_PARAMETER 2 bytes per parameter} for snapshots: one bf16 or fp16 θ (an fp32 θ
 * needs 4 and gets the floor of one snapshot below, which the bound then does not cover). It is also
 * at most the configured cap ({@link RuntimeOptions#thetaCacheBytes()}) and {@link #HEAP_SHARE_DIVISOR
 * 1/4} of the heap (a fixed 256 MiB once killed a coordinator under {@code -Xmx192m}, docs/bench/soak.md),
 * and never less than one whole encoded θ: a worker must be able to pull at all.
 */
public final class ThetaCacheSize {
    /** The snapshots' share of the memory bound: (3.5 − 3) × 4 bytes per parameter. */
    static final long BYTES_PER_PARAMETER = 2;
    /** Snapshots may take at most a quarter of the maximum heap. */
    static final int HEAP_SHARE_DIVISOR = 4;

    private ThetaCacheSize() {
    }

    /**
     * @param capBytes   the configured cap ({@link RuntimeOptions#thetaCacheBytes()})
     * @param maxHeap    the heap the JVM may grow to ({@link Runtime#maxMemory()})
     * @param oneTheta   the encoded size of one whole θ
     * @param parameters the model's parameter count
     */
    static long bytes(long capBytes, long maxHeap, long oneTheta, long parameters) {
        if (capBytes < 0 || maxHeap <= 0 || oneTheta < 0 || parameters < 0) {
            throw new IllegalArgumentException("θ snapshot budget needs cap >= 0, heap > 0, θ >= 0 bytes and parameters >= 0; got " + capBytes
                    + ", " + maxHeap + ", " + oneTheta + ", " + parameters);
        }
        long share = Math.min(Math.min(capBytes, maxHeap / HEAP_SHARE_DIVISOR), BYTES_PER_PARAMETER * parameters);
        return Math.max(share, oneTheta);
    }

    /** The encoded size of one whole θ of {@code run} in {@code codec}: one entry, or the sum of its fragments' entries. */
    static long oneTheta(RunDefinition run, Codec codec) {
        long fragments = 0;
        for (int p = 0; p < run.plan().count(); p++) fragments += codec.encodedSize(run.plan().fragment(p).size());
        return Math.max(codec.encodedSize(run.modelSize()), fragments);
    }
}
