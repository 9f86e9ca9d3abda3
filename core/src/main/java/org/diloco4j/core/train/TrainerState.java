package org.diloco4j.core.train;

import org.diloco4j.core.io.Dtype;
import org.diloco4j.core.io.TensorData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything of an inner trainer that a checkpoint keeps besides θ_i: named arrays (AdamW's
 * moments), counters and the random generators' states. A checkpoint stores each array as an F32
 * tensor of its own (named by its path, e.g. {@code …replica.trainer.arrays.exp_avg}) and each
 * generator state as a U8 tensor, so the inner optimizer state is as readable outside diloco4j as θ is.
 *
 * <p>The arrays are {@link TensorData}: a trainer whose state lives in native memory hands out views
 * of it, valid until it trains again, so that a checkpoint streams them to disk without a copy on the
 * Java heap ({@link #detached} takes a copy that stays); read from a checkpoint, they are read from
 * the file while the trainer restores them.
 *
 * @param model        what the state belongs to (a trainer refuses the state of another shape)
 * @param step         inner steps taken (drives the LR schedule and Adam's bias correction)
 * @param dataPosition where the trainer's data stream is
 * @param shard        the data shard it reads; -1 when it has a single source
 * @param arrays       optimizer arrays by name, each as long as the model's parameters
 * @param generators   random generators' states (e.g. one dropout stream per training thread)
 */
public record TrainerState(String model, long step, long dataPosition, int shard, Map<String, TensorData> arrays,
                           List<byte[]> generators) {
    public TrainerState {
        if (step < 0) throw new IllegalArgumentException("trainer state at step " + step);
        // Sorted: a checkpoint names its tensors in this order, the same bytes for the same state.
        arrays = Collections.unmodifiableSortedMap(new TreeMap<>(arrays));
        generators = List.copyOf(generators);
    }

    /** The array {@code name}, checked to hold {@code n} fp32 values. */
    public TensorData array(String name, long n) {
        TensorData a = arrays.get(name);
        if (a == null) throw new IllegalArgumentException("trainer state of " + model + " has no array '" + name + "'");
        if (a.dtype() != Dtype.F32 || a.numel() != n) {
            throw new IllegalArgumentException("trainer state array '" + name + "' has " + a.numel() + " values (" + a.dtype() + "), the model " + n + " (F32)");
        }
        return a;
    }

    /** The same state with its arrays copied onto the heap: it stays as it is while the trainer goes on. */
    public TrainerState detached() {
        Map<String, TensorData> copies = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, TensorData> e : arrays.entrySet()) copies.put(e.getKey(), TensorData.of(e.getValue().toFloats()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TrainerState(model, step, dataPosition, shard, copies, generators);
    }
}
