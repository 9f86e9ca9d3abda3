package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A coordinator checkpoint is checked and read in one pass over its bytes, and nothing in it is believed before the sum matches. */
class ReadAheadTest {
    record Outer(float[] theta, List<float[]> buffers, byte[] blob) {
    }

    private static Outer sample() {
        float[] theta = new float[3 * Chunks.SIZE / 4 + 5]; // spans chunks, ends mid-chunk
        for (int i = 0; i < theta.length; i++) theta[i] = i * 0.25f - 7;
        return new Outer(theta, List.of(new float[] {1f, -0f, Float.MIN_VALUE}, new float[Chunks.SIZE / 4]), new byte[] {9, 8, 7});
    }

    /** Counts the bytes read from the data section's start on. */
    private static final class Counting implements ByteSource {
        final ByteSource in;
        long read;

        Counting(byte[] b) {
            this.in = ByteSource.of(b);
        }

        public long size() throws IOException {
            return in.size();
        }

        public void read(long position, ByteBuffer dst) throws IOException {
            read += dst.remaining();
            in.read(position, dst);
        }
    }

    @Test
    void coordinatorStateIsReadInTheChecksumPass() throws IOException {
        Outer s = sample();
        byte[] b = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, s, Map.of());
        Counting src = new Counting(b);
        Outer back = CheckpointFile.check(src, "ckpt", CheckpointFile.Kind.COORDINATOR).state(Outer.class);
        assertThat(back.theta()).isEqualTo(s.theta());
        assertThat(back.buffers().get(0)).isEqualTo(s.buffers().get(0));
        assertThat(Float.floatToRawIntBits(back.buffers().get(0)[1])).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(back.buffers().get(1)).isEqualTo(s.buffers().get(1));
        assertThat(back.blob()).containsExactly(9, 8, 7);
        // Each byte once (plus the header's few reads): the old check-then-read read the tensors twice.
        assertThat(src.read).isLessThan(b.length + 4096L).isGreaterThanOrEqualTo((long) b.length - 8192);
    }

    @Test
    void aFlippedByteInsideThetaIsStillRefused() throws IOException {
        byte[] b = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, sample(), Map.of());
        b[b.length / 2] ^= 0x10; // inside θ, which is most of the file
        assertThatThrownBy(() -> CheckpointFile.check(ByteSource.of(b), "ckpt", CheckpointFile.Kind.COORDINATOR))
                .isInstanceOf(CheckpointException.class).hasMessage("ckpt: checksum mismatch, the file is corrupted");
    }

    @Test
    void otherKindsStillReadTheirTensorsFromTheFileWhenAsked() throws IOException {
        byte[] b = CheckpointFile.toBytes(CheckpointFile.Kind.SIMULATION, sample(), Map.of());
        Counting src = new Counting(b);
        CheckpointFile.Checked c = CheckpointFile.check(src, "ckpt", CheckpointFile.Kind.SIMULATION);
        long checked = src.read;
        assertThat(c.state(Outer.class).theta()).isEqualTo(sample().theta());
        assertThat(src.read - checked).isGreaterThan(4L * sample().theta().length - 1);
    }
}
