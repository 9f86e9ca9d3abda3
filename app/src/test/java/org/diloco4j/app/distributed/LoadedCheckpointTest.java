package org.diloco4j.app.distributed;

import org.diloco4j.net.coord.CheckpointStore;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The job hands a loaded checkpoint to the runtime once and keeps only its scalars: the state is not held for the run. */
class LoadedCheckpointTest {
    @Test
    void theStateIsHandedOverOnceAndNotKept() {
        CheckpointStore.Checkpoint c = new CheckpointStore.Checkpoint(null, 7, 3, 12.5);
        WeakReference<CheckpointStore.Checkpoint> held = new WeakReference<>(c);
        LoadedCheckpoint loaded = new LoadedCheckpoint(c);
        c = null;
        assertThat(loaded.take()).isSameAs(held.get());
        for (int i = 0; i < 10 && held.get() != null; i++) System.gc();
        assertThat(held.get()).as("the checkpoint, once handed over").isNull();
        assertThat(loaded.mark()).isEqualTo(7);
        assertThat(loaded.outerSteps()).isEqualTo(3);
        assertThat(loaded.clock()).isEqualTo(12.5);
        assertThatThrownBy(loaded::take).hasMessageContaining("already handed");
    }
}
