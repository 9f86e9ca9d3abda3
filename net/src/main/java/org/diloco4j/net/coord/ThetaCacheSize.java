package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.net.wire.RunDefinition;

/**
 * How many bytes of released encoded θ the coordinator keeps for retried pulls ({@link ThetaStore}).
 * The cache lives on the Java heap, so a fixed size outgrew small heaps: 256 MiB under {@code -Xmx192m}
 * filled in ~160 outer steps of the tiny GPT and the coordinator died of OutOfMemoryError (docs/bench/soak.md).
 * It is now at most {@link #HEAP_SHARE_DIVISOR 1/4} of the heap the JVM may grow to, never more than the
 * configured cap, and never less than one whole encoded θ, so that a pull retried right after a new
 * version still finds the previous one.
 */
final class ThetaCacheSize {
    /** The cache may take a quarter of the maximum heap: θ in fp32, the outer optimizer's state and the held entries need the rest. */
    static final int HEAP_SHARE_DIVISOR = 4;

    private ThetaCacheSize() {
    }

    /**
     * @param capBytes  the configured cap ({@link RuntimeOptions#thetaCacheBytes()})
     * @param maxHeap   the heap the JVM may grow to ({@link Runtime#maxMemory()})
     * @param oneTheta  the encoded size of one whole θ
     */
    static long bytes(long capBytes, long maxHeap, long oneTheta) {
        if (capBytes < 0 || maxHeap <= 0 || oneTheta < 0) {
            throw new IllegalArgumentException("θ cache sizing needs cap >= 0, heap > 0 and θ >= 0 bytes; got " + capBytes + ", " + maxHeap + ", " + oneTheta);
        }
        return Math.max(Math.min(capBytes, maxHeap / HEAP_SHARE_DIVISOR), oneTheta);
    }

    /** The encoded size of one whole θ of {@code run} in {@code codec}: one entry, or the sum of its fragments' entries. */
    static long oneTheta(RunDefinition run, Codec codec) {
        long fragments = 0;
        for (int p = 0; p < run.plan().count(); p++) fragments += codec.encodedSize(run.plan().fragment(p).size());
        return Math.max(codec.encodedSize(run.modelSize()), fragments);
    }
}
