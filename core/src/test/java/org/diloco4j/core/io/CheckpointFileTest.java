package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Snapshot;
import org.junit.jupiter.api.Test;

/** The container: what goes in comes out, arrays become named tensors, and every kind of damage gets its own one-line error. */
class CheckpointFileTest {
    record Outer(float[] theta) {
    }

    record Coordinator(Outer outer, long steps) {
    }

    record State(Coordinator coordinator, List<float[]> replicas, byte[] blob, List<Command> inFlight, double nan, Map<String, Long> timers) {
    }

    private static State sample() {
        return new State(new Coordinator(new Outer(new float[] {1.5f, -2f, 3e-8f}), 7), List.of(new float[] {4f}, new float[] {5f, 6f}),
                new byte[] {1, 2, 3}, List.of(new Command.Stop("done"), new Command.ApplyFragment(1, 0, 3, new Snapshot(3, 0, 2, new float[] {9f, 8f}), 0.5, 11)),
                Double.NaN, Map.of("round:1", 4L));
    }

    private static byte[] bytes() throws IOException {
        return CheckpointFile.toBytes(CheckpointFile.Kind.SIMULATION, sample(), Map.of("mark", "12"));
    }

    private static State read(byte[] b) throws IOException {
        return CheckpointFile.read(b, "ckpt", CheckpointFile.Kind.SIMULATION, State.class).state();
    }

    @Test
    void roundTripsRecordsSealedTypesAndArrays() throws IOException {
        byte[] b = bytes();
        CheckpointFile.Contents<State> c = CheckpointFile.read(b, "ckpt", CheckpointFile.Kind.SIMULATION, State.class);
        State s = c.state();
        assertThat(s.coordinator().outer().theta()).containsExactly(1.5f, -2f, 3e-8f);
        assertThat(s.coordinator().steps()).isEqualTo(7);
        assertThat(s.replicas().get(1)).containsExactly(5f, 6f);
        assertThat(s.blob()).containsExactly(1, 2, 3);
        assertThat(s.inFlight().get(0)).isEqualTo(new Command.Stop("done"));
        Command.ApplyFragment a = (Command.ApplyFragment) s.inFlight().get(1);
        assertThat(a.values().values()).containsExactly(9f, 8f);
        assertThat(s.nan()).isNaN();
        assertThat(s.timers()).isEqualTo(Map.of("round:1", 4L));
        assertThat(c.scalars()).isEqualTo(Map.of("mark", "12"));
        // The arrays are tensors named by their place in the state.
        SafetensorsReader.Contents raw = SafetensorsReader.raw(b, "ckpt");
        assertThat(raw.tensors().keySet()).containsExactly(CheckpointFile.THETA, "replicas.0", "replicas.1", "blob", "inFlight.1.values.values");
        assertThat(raw.metadata()).containsEntry("theta", CheckpointFile.THETA).containsEntry("version", "3").containsEntry("kind", "simulation");
    }

    /**
     * A file of format 3 written by the buffering writer of commit 004b670 (this test's sample
     * state): the streaming writer writes the same bytes, and the reader reads it. The fixture was
     * added with the streaming writer (commit 9d036de); {@code scripts/format3-fixture} rebuilds it:
     * it compiles 004b670's {@code core/src/main} alone, writes {@link #sample} with that commit's
     * {@code CheckpointFile.toBytes} and compares the bytes with the committed file (equal on
     * 2026-12-04).
     */
    @Test
    void aFormat3FileOfTheBufferingWriterIsReadAndWrittenAlike() throws IOException {
        byte[] old;
        try (java.io.InputStream in = CheckpointFileTest.class.getResourceAsStream("format3-004b670.ckpt")) {
            old = in.readAllBytes();
        }
        assertThat(bytes()).isEqualTo(old);
        State s = read(old);
        assertThat(s.coordinator().outer().theta()).containsExactly(1.5f, -2f, 3e-8f);
        assertThat(s.replicas().get(1)).containsExactly(5f, 6f);
        assertThat(s.timers()).isEqualTo(Map.of("round:1", 4L));
    }

    /**
     * The checksum is read as the value of {@code __metadata__.crc32c}, wherever JSON puts it: a file
     * whose header another tool wrote with a space after the colon (and checksummed as the format
     * says) is read; the old reader searched for Jackson's compact spelling and called it damaged.
     */
    @Test
    void theChecksumIsFoundAsAJsonValueNotBySpelling() throws IOException {
        byte[] b = bytes();
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) in.getLong();
        String header = new String(b, 8, n, StandardCharsets.UTF_8).strip().replace("\"crc32c\":\"", "\"crc32c\" : \"");
        byte[] h = (header + " ".repeat((8 - header.length() % 8) % 8)).getBytes(StandardCharsets.UTF_8);
        int at = new String(h, StandardCharsets.UTF_8).indexOf("\"crc32c\" : \"") + 12;
        System.arraycopy("00000000".getBytes(StandardCharsets.US_ASCII), 0, h, at, 8);
        ByteBuffer file = ByteBuffer.allocate(8 + h.length + b.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(b, 8 + n, b.length - 8 - n);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(file.array());
        file.put(8 + at, String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
        assertThat(read(file.array()).coordinator().steps()).isEqualTo(7);
    }

    @Test
    void aFlippedBitInTheDataIsACorruptFile() throws IOException {
        byte[] b = bytes();
        b[b.length - 9] ^= 1;
        assertThatThrownBy(() -> read(b)).isInstanceOf(CheckpointException.class).hasMessage("ckpt: checksum mismatch, the file is corrupted");
    }

    @Test
    void aFlippedBitInTheStateIsACorruptFile() throws IOException {
        byte[] b = bytes();
        int at = indexOf(b, "\\\"steps\\\":7".getBytes(StandardCharsets.UTF_8));
        b[at + 11] ^= 1;   // 7 → 6
        assertThatThrownBy(() -> read(b)).hasMessage("ckpt: checksum mismatch, the file is corrupted");
    }

    /**
     * Every single-bit flip anywhere in the file (length field, header, metadata, padding, the
     * driver's scalars, tensor data) is refused with one line; version 2 let the scalars through.
     */
    @Test
    void everyFlippedBitIsRefusedWithOneLine() throws IOException {
        byte[] good = bytes();
        for (int bit = 0; bit < 8 * good.length; bit++) {
            byte[] b = good.clone();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            int at = bit / 8;
            assertThatThrownBy(() -> read(b)).as("bit %d of byte %d", bit % 8, at).isInstanceOf(CheckpointException.class)
                    .satisfies(e -> assertThat(e.getMessage()).startsWith("ckpt").doesNotContain("\n"));
        }
    }

    @Test
    void theDriversScalarsAreUnderTheChecksum() throws IOException {
        byte[] b = bytes();
        int at = indexOf(b, "\"mark\":\"12\"".getBytes(StandardCharsets.UTF_8));
        b[at + 8] ^= 2;   // "12" → "32": version 2 accepted it, and a coordinator then cut metrics.jsonl at the wrong byte
        assertThatThrownBy(() -> read(b)).hasMessage("ckpt: checksum mismatch, the file is corrupted");
    }

    @Test
    void aTruncatedFileIsNamed() throws IOException {
        byte[] b = bytes();
        assertThatThrownBy(() -> read(Arrays.copyOf(b, b.length - 4))).hasMessageContaining("it is truncated or damaged");
        assertThatThrownBy(() -> read(Arrays.copyOf(b, 100))).hasMessageContaining("truncated or not a safetensors file");
        assertThatThrownBy(() -> read(Arrays.copyOf(b, 5))).hasMessage("ckpt is 5 bytes long, too short for a safetensors file");
    }

    @Test
    void aWrongHeaderLengthIsNamed() throws IOException {
        byte[] b = bytes();
        long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(n - 8);
        assertThatThrownBy(() -> read(b)).isInstanceOf(CheckpointException.class).hasMessageStartingWith("ckpt has a header that is not valid JSON");
    }

    @Test
    void theOldFormatAndOtherFilesAreNamed() throws IOException {
        byte[] old = ByteBuffer.allocate(32).putInt(0x44344A53).putInt(1).array();
        assertThatThrownBy(() -> read(old)).hasMessage("ckpt was made by an older version of diloco4j and cannot be resumed: start the run again");
        java.io.ByteArrayOutputStream model = new java.io.ByteArrayOutputStream();
        SafetensorsWriter.write(model, List.of(new NamedTensor("w", new long[] {1}, new float[] {1f})));
        assertThatThrownBy(() -> read(model.toByteArray())).hasMessage("ckpt is a safetensors file but not a diloco4j checkpoint");
        byte[] coordinator = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, sample(), Map.of());
        assertThatThrownBy(() -> read(coordinator)).hasMessage("ckpt is a coordinator checkpoint, not a simulation one");
    }

    private static int indexOf(byte[] b, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= b.length; i++) {
            for (int j = 0; j < what.length; j++) if (b[i + j] != what[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
