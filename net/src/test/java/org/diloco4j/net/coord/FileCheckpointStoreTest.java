package org.diloco4j.net.coord;

import org.diloco4j.core.io.CheckpointFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileCheckpointStoreTest {
    record Probe(float[] values) {
    }

    private static CheckpointStore.Checkpoint checkpoint(int n, long mark, long steps, double clock) throws IOException {
        byte[] bytes = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, new Probe(new float[n]), Map.of(RuntimeState.MARK,
                Long.toString(mark), RuntimeState.OUTER_STEPS, Long.toString(steps), RuntimeState.CLOCK, Double.toString(clock)));
        return new CheckpointStore.Checkpoint(bytes, mark, steps, clock);
    }

    @Test
    void roundTripsAndReplacesAtomically(@TempDir Path dir) throws IOException {
        FileCheckpointStore s = new FileCheckpointStore(dir.resolve("ckpt"));
        assertThat(s.load()).isEmpty();
        s.save(checkpoint(3, 77, 5, 12.5));
        CheckpointStore.Checkpoint second = checkpoint(2, 99, 6, 13.5);
        s.save(second);
        CheckpointStore.Checkpoint c = s.load().orElseThrow();
        assertThat(c.state()).isEqualTo(second.state());
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
