package org.diloco4j.net.coord;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint copies its state only when the copy fits in the memory bound above the state (or is
 * at most 64 MiB): an SGD state (θ alone) always, async Delayed Nesterov (3 × θ) only when small.
 */
class CheckpointCutTest {
    static final long MIB = 1L << 20;

    @Test
    void aStateIsCopiedOnlyWhenItsCopyFitsTheBound() {
        long theta = 4_000_000_000L; // 1B parameters
        assertThat(CheckpointCut.of(theta, theta)).as("SGD at 1B: θ + its copy < 3.5 θ").isEqualTo(CheckpointCut.COPY);
        assertThat(CheckpointCut.of(3 * theta, theta)).as("DN at 1B: 6 θ > 3.5 θ").isEqualTo(CheckpointCut.LIVE);
        assertThat(CheckpointCut.of(2 * theta, theta)).as("Nesterov at 1B: 4 θ > 3.5 θ").isEqualTo(CheckpointCut.LIVE);
        assertThat(CheckpointCut.of(64 * MIB, 64 * MIB / 3)).as("a small DN state").isEqualTo(CheckpointCut.COPY);
        assertThat(CheckpointCut.of(64 * MIB + 12, (64 * MIB + 12) / 3)).as("just over 64 MiB").isEqualTo(CheckpointCut.LIVE);
        assertThat(CheckpointCut.of(0, 0)).as("a timing-only run").isEqualTo(CheckpointCut.COPY);
    }
}
