package org.diloco4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.core.io.Dtype;
import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.train.TrainerState;
import org.diloco4j.model.testing.RandomBatchSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native views a trainer hands out (θ_i, AdamW moments) are only readable while the trainer
 * has not changed them: a state taken, then a step, then the write would otherwise put the later
 * θ_i and moments next to the earlier step, data position and generators. And a restore that fails
 * partway leaves a trainer that refuses to be used.
 */
class TrainerViewTest {
    record Saved(TensorData theta, TrainerState trainer) {
    }

    @TempDir
    Path dir;

    private static GptTrainer trainer() {
        return GptTrainer.create(GptTrainerTest.SMALL, GptTrainerTest.config(1e-3), new RandomBatchSource(2, 16, 64, 3), 4);
    }

    @Test
    void aStateTakenBeforeTheTrainerTrainsAgainRefusesToBeWritten() throws IOException {
        try (GptTrainer t = trainer()) {
            t.train(1);
            Saved s = new Saved(t.parameters(), t.saveState());
            CheckpointFile.write(dir.resolve("fresh.ckpt"), CheckpointFile.Kind.SIMULATION, s, Map.of());
            t.train(1);
            Throwable e = catchThrowable(() -> CheckpointFile.write(dir.resolve("stale.ckpt"), CheckpointFile.Kind.SIMULATION, s, Map.of()));
            while (e != null && e.getCause() != null) e = e.getCause();
            assertThat(e).isInstanceOf(IllegalStateException.class)
                    .hasMessage("stale trainer view: the trainer has trained/restored/closed since this state was taken");
        }
    }

    @Test
    void viewsGoStaleOnLoadRestoreAndClose() throws IOException {
        int n = GptTrainerTest.SMALL.parameterCount();
        GptTrainer t = trainer();
        TensorData theta = t.parameters();
        t.load(new float[n]);
        assertThatThrownBy(theta::toFloats).isInstanceOf(IllegalStateException.class).hasMessageContaining("stale trainer view");
        TrainerState s = t.saveState();
        t.restoreState(s.detached());
        assertThatThrownBy(() -> s.array("exp_avg", n).toFloats()).isInstanceOf(IllegalStateException.class);
        TensorData m = t.saveState().array("exp_avg_sq", n);
        t.close();
        assertThatThrownBy(m::toFloats).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRestoreThatFailsPartwayLeavesATrainerThatRefusesToTrain() {
        int n = GptTrainerTest.SMALL.parameterCount();
        try (GptTrainer t = trainer()) {
            TrainerState good = t.saveState().detached();
            TensorData failing = new TensorData() {
                public Dtype dtype() {
                    return Dtype.F32;
                }

                public long[] shape() {
                    return new long[] {n};
                }

                public void copyTo(long offset, ByteBuffer dst) throws IOException {
                    throw new IOException("disk gone");
                }
            };
            TrainerState bad = new TrainerState(good.model(), 7, good.dataPosition(), good.shard(),
                    Map.of("exp_avg", good.array("exp_avg", n), "exp_avg_sq", failing), good.generators());
            assertThatThrownBy(() -> t.restoreState(bad)).isInstanceOf(UncheckedIOException.class);
            assertThatThrownBy(() -> t.train(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("unusable");
        }
    }
}
