package org.diloco4j.sim;

import org.diloco4j.core.io.CheckpointFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The on-disk form of a simulation's state: {@link SimState#state()} in the checkpoint format both
 * drivers share ({@link CheckpointFile}, kind {@code simulation}), streamed to the file from the
 * live state (the workers' θ_i and AdamW moments straight from their trainers' memory).
 */
final class SimCheckpoint {
    private SimCheckpoint() {
    }

    /** Writes {@code state} to {@code file} atomically; call between events, before the simulation goes on. */
    static void write(SimState state, Path file) throws IOException {
        CheckpointFile.write(file, CheckpointFile.Kind.SIMULATION, state.state(), Map.of());
    }

    /** Opens and checks a checkpoint; its trainers' tensors are read from it until it is closed. */
    static CheckpointFile.Reader open(Path file) throws IOException {
        return CheckpointFile.open(file, "checkpoint", CheckpointFile.Kind.SIMULATION);
    }

    static SimState.State state(CheckpointFile.Reader r) throws IOException {
        return r.state(SimState.State.class);
    }
}
