package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing a checkpoint keeps nothing of it: Jackson's serializer cache keeps, for good, the
 * configuration a serializer was first built with, and the tensor table travels in that
 * configuration's attributes. The 1B benchmark's runtime, closed, still had its
 * momentum and accumulator reachable that way (CheckpointFile.JSON → SerializerCache → BeanSerializer
 * → … → SerializationConfig → ContextAttributes → TensorTable.out → the tensors' arrays). The record
 * types are this test's own: the configuration is kept when its type's serializer is first built.
 */
class CheckpointFileReleaseTest {
    /** Written only here; nested, as a coordinator's state is (a flat record's serializer did not keep it). */
    record Written(Outer outer, long step) {
    }

    record Outer(float[] theta, long version) {
    }

    @TempDir
    Path dir;

    @Test
    void aWrittenStateIsNotKeptOnceWritten() throws IOException {
        float[] theta = new float[1 << 16];
        WeakReference<float[]> held = new WeakReference<>(theta);
        CheckpointFile.write(dir.resolve("c.ckpt"), CheckpointFile.Kind.COORDINATOR, new Written(new Outer(theta, 1), 3), Map.of());
        theta = null;
        assertThat(collected(held)).as("the written θ").isTrue();
    }

    private static boolean collected(WeakReference<?> r) {
        for (int i = 0; i < 10 && r.get() != null; i++) System.gc();
        return r.get() == null;
    }
}
