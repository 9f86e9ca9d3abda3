package org.diloco4j.core.optim;

import java.util.HashMap;
import java.util.Map;
import org.diloco4j.core.params.Fp32Vector;

/**
 * Everything an outer optimizer needs to continue exactly: its kind (so a checkpoint of one kind
 * is not restored into another), scalar counters and fp32 buffers by name. A buffer is an
 * {@link Fp32Vector}: one array for an optimizer of one array ({@link #of}), chunks for one whose
 * buffers are chunks ({@link ChunkedOptimizer}); a checkpoint writes either as one tensor.
 *
 * <p>The maps are immutable but the vectors in {@code buffers} are not copied by the constructor.
 * {@link OuterOptimizer#state()} hands out deep copies and restores take copies in ({@link #copy()});
 * {@link OuterOptimizer#view()} hands out the optimizer's own buffers, for a checkpoint written
 * before the next step (the caller must not keep or change them).
 */
public record OptimizerState(String kind, Map<String, Long> counters, Map<String, Fp32Vector> buffers) {
    public OptimizerState {
        if (kind == null || kind.isBlank()) throw new IllegalArgumentException("optimizer state kind is empty");
        counters = Map.copyOf(counters);
        buffers = Map.copyOf(buffers);
    }

    /** A state whose buffers are these arrays themselves (not copied). */
    public static OptimizerState of(String kind, Map<String, Long> counters, Map<String, float[]> arrays) {
        Map<String, Fp32Vector> b = new HashMap<>();
        arrays.forEach((k, v) -> b.put(k, Fp32Vector.wrap(v)));
        return new OptimizerState(kind, counters, b);
    }

    /** Buffer {@code name} as one array (itself, not a copy); refused for a buffer held in several chunks. */
    public float[] buffer(String name) {
        return buffers.get(name).array();
    }

    /** Every buffer as one array ({@link #buffer}). */
    public Map<String, float[]> arrays() {
        Map<String, float[]> a = new HashMap<>();
        buffers.forEach((k, v) -> a.put(k, v.array()));
        return a;
    }

    /** A copy whose buffers are fresh vectors of the same chunks. */
    public OptimizerState copy() {
        Map<String, Fp32Vector> b = new HashMap<>();
        buffers.forEach((k, v) -> b.put(k, v.copy()));
        return new OptimizerState(kind, counters, b);
    }

    /** Total floats held in buffers. */
    public long bufferFloats() {
        long n = 0;
        for (Fp32Vector b : buffers.values()) n += b.size();
        return n;
    }
}
