package org.diloco4j.sim;

import org.diloco4j.core.io.CheckpointFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The on-disk form of a simulation's state: {@link SimState#state()} in the checkpoint format both
 * drivers share ({@link CheckpointFile}, kind {@code simulation}).
 */
final class SimCheckpoint {
    private SimCheckpoint() {
    }

    static void write(SimState state, OutputStream out) throws IOException {
        CheckpointFile.write(out, CheckpointFile.Kind.SIMULATION, state.state(), Map.of());
    }

    static SimState.State read(InputStream in) throws IOException {
        return CheckpointFile.read(in.readAllBytes(), "checkpoint", CheckpointFile.Kind.SIMULATION, SimState.State.class).state();
    }
}
