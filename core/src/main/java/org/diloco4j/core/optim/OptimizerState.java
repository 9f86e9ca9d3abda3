package org.diloco4j.core.optim;

import java.util.Map;

/**
 * Everything an outer optimizer needs to continue exactly: its kind (so a checkpoint of one kind
 * is not restored into another), scalar counters and fp32 buffers by name.
 */
public record OptimizerState(String kind, Map<String, Long> counters, Map<String, float[]> buffers) {
    public OptimizerState {
        counters = Map.copyOf(counters);
        buffers = Map.copyOf(buffers);
    }
}
