package org.diloco4j.net.coord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileCheckpointStoreTest {
    @Test
    void roundTripsAndReplacesAtomically(@TempDir Path dir) throws IOException {
        FileCheckpointStore s = new FileCheckpointStore(dir.resolve("ckpt"));
        assertThat(s.load()).isEmpty();
        s.save(new CheckpointStore.Checkpoint(new byte[] {1, 2, 3}, 77, 5, 12.5));
        s.save(new CheckpointStore.Checkpoint(new byte[] {4, 5}, 99, 6, 13.5));
        CheckpointStore.Checkpoint c = s.load().orElseThrow();
        assertThat(c.state()).containsExactly(4, 5);
        assertThat(c.mark()).isEqualTo(99);
        assertThat(c.outerSteps()).isEqualTo(6);
        assertThat(c.clock()).isEqualTo(13.5);
        try (var files = Files.list(dir.resolve("ckpt"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("coordinator.ckpt");
        }
    }

    @Test
    void detectsCorruptionAndTruncation(@TempDir Path dir) throws IOException {
        FileCheckpointStore s = new FileCheckpointStore(dir);
        s.save(new CheckpointStore.Checkpoint(new byte[1000], 0, 1, 1));
        try (RandomAccessFile f = new RandomAccessFile(s.file().toFile(), "rw")) {
            f.seek(f.length() - 10);
            f.write(42);
        }
        assertThatThrownBy(s::load).hasMessageContaining("checksum mismatch");
        try (RandomAccessFile f = new RandomAccessFile(s.file().toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        assertThatThrownBy(s::load).hasMessageContaining("truncated");
        Files.writeString(s.file(), "not a checkpoint at all");
        assertThatThrownBy(s::load).hasMessageContaining("is not a diloco4j coordinator checkpoint");
    }
}
