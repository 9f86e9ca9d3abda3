package org.diloco4j.core.optim;

import java.util.HashMap;
import java.util.Map;

/**
 * Everything an outer optimizer needs to continue exactly: its kind (so a checkpoint of one kind
 * is not restored into another), scalar counters and fp32 buffers by name.
 *
 * <p>The maps are immutable but the arrays in {@code buffers} are not copied by the constructor.
 * {@link OuterOptimizer#state()} hands out deep copies and restores take copies in ({@link #copy()});
 * {@link OuterOptimizer#view()} hands out the optimizer's own buffers, for a checkpoint written
 * before the next step (the caller must not keep or change them).
 */
public record OptimizerState(String kind, Map<String, Long> counters, Map<String, float[]> buffers) {
    public OptimizerState {
        if (kind == null || kind.isBlank()) throw new IllegalArgumentException("optimizer state kind is empty");
        counters = Map.copyOf(counters);
        buffers = Map.copyOf(buffers);
    }

    /** A copy whose buffers are fresh arrays. */
    public OptimizerState copy() {
        Map<String, float[]> b = new HashMap<>();
        buffers.forEach((k, v) -> b.put(k, v.clone()));
        return new OptimizerState(kind, counters, b);
    }

    /** Total floats held in buffers. */
    public long bufferFloats() {
        long n = 0;
        for (float[] b : buffers.values()) n += b.length;
        return n;
    }
}
