package org.diloco4j.net.coord;

import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator's checkpoint of a large θ (50M values, 200 MB) is streamed from the state's arrays
 * to the file, and read from the file into the arrays, without an array of the whole file: the Java
 * allocation of taking and saving it, and of loading it, is measured against the file's size. The
 * copy of the state taken on the event loop (a consistent cut) is the one full copy allowed; an array
 * of the file (as the store built before it streamed) is a second and fails the test.
 */
class CoordinatorCheckpointHeapTest {
    static final int N = 50_000_000;

    @TempDir
    Path dir;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aLargeThetaIsSavedAndLoadedWithoutAnArrayOfTheFile() throws IOException {
        RuntimeState st = FileCheckpointStoreTest.state(N, 0.5f);
        FileCheckpointStore store = new FileCheckpointStore(dir);
        // Warm-up (classes, Jackson's caches) on a small state.
        new FileCheckpointStore(dir.resolve("warm")).save(FileCheckpointStoreTest.state(16, 0f).checkpoint(1));
        new FileCheckpointStore(dir.resolve("warm")).load().orElseThrow();

        long before = allocated();
        store.save(st.checkpoint(3));
        long saving = allocated() - before;
        long size = Files.size(store.file());
        assertThat(size).isGreaterThan(4L * N);
        assertThat(saving).as("bytes allocated on the heap taking and saving a %d-byte checkpoint", size).isLessThan(size + size / 10);

        before = allocated();
        CheckpointStore.Checkpoint c = store.load().orElseThrow();
        long loading = allocated() - before;
        assertThat(loading).as("bytes allocated on the heap loading it").isLessThan(size + size / 10);
        // The loaded checkpoint holds its state: resuming reads nothing more of the file, nor checks its sum again.
        Files.delete(store.file());
        RuntimeState back = RuntimeState.read(c.state(), FragmentPlan.whole(N));
        assertThat(c.mark()).isEqualTo(3);
        float[] theta = back.coordinator.theta();
        assertThat(theta).hasSize(N);
        for (int i = 0; i < N; i += 9_999_991) assertThat(theta[i]).as("θ[%d]", i).isEqualTo(i + 0.5f);
        assertThat(theta[N - 1]).isEqualTo(N - 1 + 0.5f);
    }
}
