package org.diloco4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.train.TrainerState;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.testing.RandomBatchSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer's θ_i and AdamW moments go to a checkpoint straight from libtorch's memory and come
 * back into a fresh trainer's, bit for bit. Before, {@code saveState()} and the replica copied them
 * onto the Java heap first (three arrays of the model's size), which is what a 124M-parameter run
 * with two workers could not do in the default heap.
 */
class TrainerCheckpointTest {
    /** About 23M parameters: 92 MB per array, θ_i and two moments. */
    static final GptConfig MODEL = new GptConfig(8192, 6, 512, 8, 16);

    record Saved(TensorData theta, TrainerState trainer) {
    }

    @TempDir
    Path dir;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** SHA-256 of a tensor's bytes, read in chunks: the arrays are compared without a copy of them on the (384 MB) test heap. */
    private static String digest(TensorData t) throws IOException {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(1 << 20);
            for (long at = 0; at < t.bytes(); at += chunk.capacity()) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), t.bytes() - at));
                t.copyTo(at, chunk);
                d.update(chunk.flip());
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static java.util.List<String> digests(GptTrainer t, int n) throws IOException {
        TrainerState s = t.saveState();
        return java.util.List.of(digest(t.parameters()), digest(s.array("exp_avg", n)), digest(s.array("exp_avg_sq", n)));
    }

    @Test
    void theTrainersStateStreamsToTheFileWithoutAHeapCopyAndComesBackBitForBit() throws IOException {
        int n = MODEL.parameterCount();
        long arrayBytes = 4L * n;
        assertThat(arrayBytes).isGreaterThan(80L << 20);
        TrainerConfig cfg = GptTrainerTest.config(3e-3);
        Path file = dir.resolve("trainer.ckpt");
        java.util.List<String> saved;
        try (GptTrainer t = GptTrainer.create(MODEL, cfg, new RandomBatchSource(1, 16, MODEL.vocabSize(), 2), 5)) {
            t.train(1);
            CheckpointFile.write(file, CheckpointFile.Kind.SIMULATION, new Saved(t.parameters(), t.saveState()), Map.of());   // warm-up
            long before = allocated();
            CheckpointFile.write(file, CheckpointFile.Kind.SIMULATION, new Saved(t.parameters(), t.saveState()), Map.of());
            long writing = allocated() - before;
            assertThat(writing).as("heap bytes allocated writing θ_i and two moments of %d bytes each", arrayBytes).isLessThan(arrayBytes / 10);
            saved = digests(t, n);
        }
        try (GptTrainer fresh = GptTrainer.create(MODEL, cfg, new RandomBatchSource(1, 16, MODEL.vocabSize(), 2), 77);
             CheckpointFile.Reader r = CheckpointFile.open(file, "trainer.ckpt", CheckpointFile.Kind.SIMULATION)) {
            java.util.List<String> before = digests(fresh, n);
            long start = allocated();
            Saved back = r.state(Saved.class);
            fresh.restoreState(back.trainer());
            fresh.load(back.theta());
            long reading = allocated() - start;
            assertThat(reading).as("heap bytes allocated restoring them").isLessThan(arrayBytes / 10);
            assertThat(fresh.step()).isEqualTo(1);
            assertThat(before).as("a fresh trainer differs in all three").doesNotContainAnyElementsOf(saved);
            assertThat(digests(fresh, n)).as("θ_i, exp_avg, exp_avg_sq restored bit for bit").isEqualTo(saved);
        }
    }
}
