package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint streams a tensor that lives outside the Java heap (as a libtorch trainer's moments
 * do) from its memory to the file and back into memory, without a copy of it on the heap: the Java
 * allocation of writing and of reading a 100 MB tensor is measured, and must be far below its size.
 */
class CheckpointHeapTest {
    static final int BYTES = 100 << 20;

    /** A tensor in native memory (a direct buffer), as a trainer's would be. */
    record Native(ByteBuffer memory) implements TensorData {
        public Dtype dtype() {
            return Dtype.F32;
        }

        public long[] shape() {
            return new long[] {memory.capacity() / 4};
        }

        public void copyTo(long offset, ByteBuffer dst) {
            dst.put(memory.slice((int) offset, dst.remaining()));
        }
    }

    record State(float[] theta, TensorData moments, long step) {
    }

    @TempDir
    Path dir;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aNativeTensorGoesToTheFileAndBackWithoutAHeapCopy() throws IOException {
        ByteBuffer memory = ByteBuffer.allocateDirect(BYTES);
        for (int i = 0; i < BYTES; i += 4) memory.putInt(i, i * 0x9E3779B9);
        State state = new State(new float[] {1f, 2f}, new Native(memory), 9);
        Path file = dir.resolve("state.bin");
        CheckpointFile.write(file, CheckpointFile.Kind.SIMULATION, state, Map.of());   // warm-up: classes, Jackson's caches
        Files.delete(file);

        long before = allocated();
        CheckpointFile.write(file, CheckpointFile.Kind.SIMULATION, state, Map.of());
        long writing = allocated() - before;
        assertThat(Files.size(file)).isGreaterThan(BYTES);
        assertThat(writing).as("bytes allocated on the heap writing a %d-byte tensor", BYTES).isLessThan(BYTES / 10);

        ByteBuffer restored = ByteBuffer.allocateDirect(BYTES);
        before = allocated();
        try (CheckpointFile.Reader r = CheckpointFile.open(file, "state.bin", CheckpointFile.Kind.SIMULATION)) {
            State back = r.state(State.class);
            back.moments().copyTo(0, restored);
            assertThat(back.theta()).containsExactly(1f, 2f);
            assertThat(back.step()).isEqualTo(9);
        }
        long reading = allocated() - before;
        assertThat(reading).as("bytes allocated on the heap checking and reading it back").isLessThan(BYTES / 10);
        assertThat(restored.flip()).as("restored bit for bit").isEqualTo(memory.clear());
    }
}
