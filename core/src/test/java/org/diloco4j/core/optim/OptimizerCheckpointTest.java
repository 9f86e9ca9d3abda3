package org.diloco4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Save, write as a checkpoint file, restore into a fresh optimizer, continue: the continuation must be bit-identical. */
class OptimizerCheckpointTest {
    static final int SIZE = 1500;

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of(OuterOptimizerConfig.sgd(0.9), 3),
                Arguments.of(OuterOptimizerConfig.diloco(), 0),
                Arguments.of(OuterOptimizerConfig.diloco(), 4),
                Arguments.of(OuterOptimizerConfig.momentum(0.5, 0.8), 3),
                // Saved mid-buffer (arrival 7 of N = 3: the accumulator holds one g) and at a boundary.
                Arguments.of(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0.1), 7),
                Arguments.of(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0.0), 6));
    }

    @ParameterizedTest(name = "{0} saved after {1} steps")
    @MethodSource("configs")
    void restoredOptimizerContinuesBitIdentically(OuterOptimizerConfig cfg, int stepsBeforeSave) throws IOException {
        OuterOptimizer original = cfg.create(SIZE);
        float[] theta = TestVectors.gaussian(1, SIZE, 1);
        for (int s = 0; s < stepsBeforeSave; s++) original.step(theta, TestVectors.gaussian(100 + s, SIZE, 0.05));

        byte[] checkpoint = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, original.state(), Map.of());
        float[] thetaAtSave = theta.clone();

        for (int s = 0; s < 8; s++) original.step(theta, TestVectors.gaussian(200 + s, SIZE, 0.05));

        OuterOptimizer resumed = cfg.create(SIZE);
        resumed.restore(CheckpointFile.read(checkpoint, "test", CheckpointFile.Kind.COORDINATOR, OptimizerState.class).state());
        float[] theta2 = thetaAtSave;
        for (int s = 0; s < 8; s++) resumed.step(theta2, TestVectors.gaussian(200 + s, SIZE, 0.05));

        assertThat(theta2).isEqualTo(theta);
        OptimizerState a = original.state(), b = resumed.state();
        assertThat(b.kind()).isEqualTo(a.kind()).isEqualTo(cfg.stateKind());
        assertThat(b.counters()).isEqualTo(a.counters());
        assertThat(b.buffers().keySet()).isEqualTo(a.buffers().keySet());
        for (String k : a.buffers().keySet()) assertThat(b.buffer(k)).as(k).isEqualTo(a.buffer(k));
    }
}
