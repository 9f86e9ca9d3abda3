package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.params.FragmentPlan;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How long a networked coordinator's event loop waits for a checkpoint written from the live arrays
 * ({@link CheckpointCut#LIVE}): an async Delayed Nesterov coordinator of {@code N} parameters (θ,
 * momentum, accumulator: 12 bytes a parameter) built on an adopted θ₀, its state cut and saved
 * through {@link FileCheckpointStore} (streamed, CRC32C, fsync, rename) {@code REPEATS} times, each
 * over the last. The pause is the cut plus the save, as the loop waits for both; wall and this
 * thread's CPU seconds for each. Run by scripts/bench-checkpoint-pause.
 *
 * <p>Usage: {@code CheckpointPauseBench N REPEATS DIR}; prints {@code key=value} lines.
 */
public final class CheckpointPauseBench {
    private CheckpointPauseBench() {
    }

    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[0]);
        int repeats = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        float[] theta0 = new float[n];
        for (int i = 0; i < n; i++) theta0[i] = (i % 1000) * 1e-3f;
        Coordinator c = Coordinator.adopting(CoordinatorFitsTest.CONFIG, FragmentPlan.whole(n), theta0, m -> { });
        RuntimeState st = new RuntimeState(c, CoordinatorFitsTest.CONFIG, FileCheckpointStoreTest.TOML);
        FileCheckpointStore store = new FileCheckpointStore(dir);
        var cpu = ManagementFactory.getThreadMXBean();
        System.out.printf("params=%d state_bytes=%d max_heap_mib=%d%n", n, 12L * n, Runtime.getRuntime().maxMemory() >> 20);
        for (int r = 1; r <= repeats; r++) {
            long wall = System.nanoTime(), cpu0 = cpu.getCurrentThreadCpuTime();
            RuntimeState.Cut cut = st.checkpoint(r);
            store.save(cut.checkpoint());
            double seconds = (System.nanoTime() - wall) / 1e9, cpuSeconds = (cpu.getCurrentThreadCpuTime() - cpu0) / 1e9;
            System.out.printf("write=%d cut=%s pause_wall_s=%.2f pause_cpu_s=%.2f file_bytes=%d%n", r, cut.how(), seconds, cpuSeconds,
                    Files.size(store.file()));
        }
    }
}
