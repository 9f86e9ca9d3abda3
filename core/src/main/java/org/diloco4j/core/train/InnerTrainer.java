package org.diloco4j.core.train;

import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.params.ParamLayout;

import java.io.IOException;

/**
 * One worker's local model and inner optimizer: the seam between the protocol (coordinator and its
 * drivers) and the compute (libtorch GPT, or the pure-Java toy model in tests).
 *
 * <p>Inner optimizer state and the data position live here and persist across rounds; they are
 * never reset or averaged by the protocol.
 */
public interface InnerTrainer extends AutoCloseable {
    /** Names and shapes of the parameters, in flat-vector order. */
    ParamLayout layout();

    /** θ_i ← θ (a copy; the trainer keeps no reference to {@code theta}). */
    void load(float[] theta);

    /**
     * Runs {@code steps} inner optimizer steps on this worker's data and reports what was done. The
     * learning-rate schedule runs on the run's clock: step i (0-based, having trained t tokens of
     * this call) is at {@code progress.at(t)} tokens of the whole run. {@code null} means the
     * trainer's own counter is the clock (a trainer used alone).
     */
    TrainReport train(int steps, GlobalProgress progress);

    /** {@link #train(int, GlobalProgress)} on the trainer's own clock. */
    default TrainReport train(int steps) {
        return train(steps, null);
    }

    /**
     * Trains on data shard {@code shard} from now on: asynchronous DiLoCo hands each free worker
     * the shard most under-sampled so far. The data position is not reset by a switch; how it
     * carries over is the trainer's (the GPT trainer keeps one batch counter running across shards:
     * after a switch, batch n comes from the new shard's position n).
     *
     * @throws UnsupportedOperationException if this trainer is bound to the data it was built with
     */
    default void useShard(int shard) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot switch data shards (asked for shard " + shard + ")");
    }

    /** Copies the current θ_i into {@code out} (length {@code layout().size()}). */
    void read(float[] out);

    /**
     * θ_i for a checkpoint to stream from: a view of the trainer's own values where it has one
     * (valid until it trains or loads again), else a copy.
     */
    default TensorData parameters() {
        float[] theta = new float[layout().arraySize()];
        read(theta);
        return TensorData.of(theta);
    }

    /** θ_i ← {@code theta} (fp32, {@code layout().size()} values), read chunk by chunk where the trainer can. */
    default void load(TensorData theta) throws IOException {
        load(theta.toFloats());
    }

    /** Inner optimizer state, step counter, data position and RNG, for checkpoints. */
    TrainerState saveState();

    /** Continues from {@code state}; refuses (IllegalArgumentException) the state of another model. */
    void restoreState(TrainerState state);

    @Override
    default void close() {
    }
}
