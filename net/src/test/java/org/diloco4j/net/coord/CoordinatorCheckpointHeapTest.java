package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.optim.OuterOptimizerConfig;
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
 * state (θ, Delayed Nesterov's momentum and accumulator: 600 MB) is too large to copy within the memory bound
 * ({@link CheckpointCut}), so it is written from the live arrays: no copy at all (a copy taken on the
 * event loop, as before, fails the test); loading reads it into arrays, one copy, no array of the file.
 */
class CoordinatorCheckpointHeapTest {
    static final int N = 50_000_000;
    /** Asynchronous Delayed Nesterov (issue 14's 1B run): θ, momentum and accumulator, no round's mean besides. */
    static final CoordinatorConfig ASYNC_DN = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(10).minWorkers(1).tokensPerStep(16)
            .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 4, 0)).build();

    /** An async DN runtime state whose θ has {@code n} values, θ[i] = i + offset. */
    static RuntimeState state(int n, float offset) {
        float[] theta = new float[n];
        for (int i = 0; i < n; i++) theta[i] = i + offset;
        return new RuntimeState(Coordinator.adopting(ASYNC_DN, FragmentPlan.whole(n), theta, m -> { }), ASYNC_DN, FileCheckpointStoreTest.TOML);
    }

    @TempDir
    Path dir;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aLargeThetaIsSavedAndLoadedWithoutAnArrayOfTheFile() throws IOException {
        RuntimeState st = state(N, 0.5f);
        FileCheckpointStore store = new FileCheckpointStore(dir);
        // Warm-up (classes, Jackson's caches) on a small state.
        new FileCheckpointStore(dir.resolve("warm")).save(state(16, 0f).checkpoint(1).checkpoint());
        new FileCheckpointStore(dir.resolve("warm")).load().orElseThrow();

        long before = allocated();
        RuntimeState.Cut cut = st.checkpoint(3);
        store.save(cut.checkpoint());
        long saving = allocated() - before;
        long size = Files.size(store.file());
        assertThat(size).isGreaterThan(12L * N);
        // θ and DN's two buffers (600 MB) do not fit twice in 3.5 × θ's 200 MB: written from the live arrays.
        assertThat(cut.how()).isEqualTo(CheckpointCut.LIVE);
        assertThat(saving).as("bytes allocated on the heap taking and saving a %d-byte checkpoint", size).isLessThan(size / 20);

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
