package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileCheckpointStoreTest {
    static final CoordinatorConfig CONFIG = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).tokensPerStep(16).build();
    static final String TOML = "# a saved run\n";

    /** A runtime state whose θ has {@code n} values, θ[i] = i + offset. */
    static RuntimeState state(int n, float offset) {
        float[] theta = new float[n];
        for (int i = 0; i < n; i++) theta[i] = i + offset;
        return new RuntimeState(new Coordinator(CONFIG, FragmentPlan.whole(n), theta, m -> { }), CONFIG, TOML);
    }

    private static CheckpointStore.Checkpoint checkpoint(int n, long mark, long steps, double clock) {
        RuntimeState st = state(n, mark);
        st.members.add(7);
        return new CheckpointStore.Checkpoint(st.state(), mark, steps, clock);
    }

    @Test
    void roundTripsAndReplacesAtomically(@TempDir Path dir) throws IOException {
        FileCheckpointStore s = new FileCheckpointStore(dir.resolve("ckpt"));
        assertThat(s.load()).isEmpty();
        s.save(checkpoint(3, 77, 5, 12.5));
        CheckpointStore.Checkpoint second = checkpoint(2, 99, 6, 13.5);
        s.save(second);
        CheckpointStore.Checkpoint c = s.load().orElseThrow();
        RuntimeState back = RuntimeState.read(c.state(), FragmentPlan.whole(2));
        assertThat(back.coordinator.theta()).containsExactly(99f, 100f);
        assertThat(back.members).containsExactly(7);
        assertThat(back.configToml).isEqualTo(TOML);
        assertThat(c.mark()).isEqualTo(99);
        assertThat(c.outerSteps()).isEqualTo(6);
        assertThat(c.clock()).isEqualTo(13.5);
        try (var files = Files.list(dir.resolve("ckpt"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("coordinator.ckpt");
        }
    }

    @Test
    void detectsCorruptionTruncationAndTheOldFormat(@TempDir Path dir) throws IOException {
        FileCheckpointStore s = new FileCheckpointStore(dir);
        s.save(checkpoint(1000, 0, 1, 1));
        try (RandomAccessFile f = new RandomAccessFile(s.file().toFile(), "rw")) {
            f.seek(f.length() - 10);
            f.write(42);
        }
        assertThatThrownBy(s::load).hasMessage(s.file() + ": checksum mismatch, the file is corrupted");
        try (RandomAccessFile f = new RandomAccessFile(s.file().toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        assertThatThrownBy(s::load).hasMessageContaining("it is truncated or damaged");
        Files.writeString(s.file(), "not a checkpoint at all");
        assertThatThrownBy(s::load).hasMessageContaining("not a safetensors file");
        // Version 1: Java serialization behind the magic "D4JC".
        Files.write(s.file(), ByteBuffer.allocate(64).putInt(0x44344A43).putInt(1).array());
        assertThatThrownBy(s::load).hasMessage(s.file() + " was made by an older version of diloco4j and cannot be resumed: start the run again");
    }
}
