package org.diloco4j.core.train;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything of an inner trainer that a checkpoint keeps besides θ_i: named arrays (AdamW's
 * moments), counters and the random generators' states. A checkpoint stores each array as an F32
 * tensor of its own (named by its path, e.g. {@code …replica.trainer.arrays.m}) and each generator
 * state as a U8 tensor, so the inner optimizer state is as readable outside diloco4j as θ is.
 *
 * @param model        what the state belongs to (a trainer refuses the state of another shape)
 * @param step         inner steps taken (drives the LR schedule and Adam's bias correction)
 * @param dataPosition where the trainer's data stream is
 * @param shard        the data shard it reads; -1 when it has a single source
 * @param arrays       optimizer arrays by name, each as long as the model's parameters
 * @param generators   random generators' states (e.g. one dropout stream per training thread)
 */
public record TrainerState(String model, long step, long dataPosition, int shard, Map<String, float[]> arrays,
                           List<byte[]> generators) {
    public TrainerState {
        if (step < 0) throw new IllegalArgumentException("trainer state at step " + step);
        // Sorted: a checkpoint names its tensors in this order, the same bytes for the same state.
        arrays = Collections.unmodifiableSortedMap(new TreeMap<>(arrays));
        generators = List.copyOf(generators);
    }

    /** The array {@code name}, checked to have {@code n} values. */
    public float[] array(String name, int n) {
        float[] a = arrays.get(name);
        if (a == null) throw new IllegalArgumentException("trainer state of " + model + " has no array '" + name + "'");
        if (a.length != n) throw new IllegalArgumentException("trainer state array '" + name + "' has " + a.length + " values, the model " + n);
        return a;
    }
}
