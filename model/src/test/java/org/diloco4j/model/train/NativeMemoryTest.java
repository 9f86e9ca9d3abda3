package org.diloco4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diloco4j.model.testing.RandomBatchSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Resident memory stays flat over 2,000 training steps: every step's tensors (activations, the
 * autograd graph, temporaries) are freed by the step's PointerScope, not left to the GC.
 *
 * <p>Margin: one leaked step of this model holds ≥ 300 KB of activations (B·T·(~20·C·layers + V)
 * floats = 4·16·(20·32·2 + 64)·4 B), so a leak would add ≥ 500 MB over the 1,800 measured steps;
 * allocator and JIT noise is a few MB (measured: < 1 MB). The test allows 32 MB of native growth.
 *
 * <p>The model module's surefire runs with a fixed, pre-touched heap ({@code -Xms384m -Xmx384m
 * -XX:+AlwaysPreTouch}); otherwise the first pass of allocation through eden shows up as ~12 KB of
 * RSS growth per step that is Java heap, not native memory. Growth of the committed heap is
 * subtracted anyway, in case the test runs with other flags.
 */
@EnabledOnOs(OS.LINUX)
class NativeMemoryTest {
    private static final long MARGIN_BYTES = 32L << 20;

    @Test
    void rssIsFlatOverTwoThousandSteps() throws IOException {
        try (GptTrainer t = GptTrainer.create(GptTrainerTest.SMALL, GptTrainerTest.config(1e-3),
                new RandomBatchSource(4, 16, 64, 4), 1)) {
            t.train(200);                                   // allocator pools and JIT settle
            long rss0 = rssBytes(), heap0 = heapCommitted();
            float[] theta = new float[t.layout().arraySize()];
            for (int round = 0; round < 18; round++) {      // DiLoCo-like: load, train, read
                t.read(theta);
                t.load(theta);
                t.train(100);
            }
            long rss1 = rssBytes(), heap1 = heapCommitted();
            long nativeGrowth = (rss1 - rss0) - Math.max(0, heap1 - heap0);
            assertThat(nativeGrowth).as("native RSS growth over 1800 steps: RSS %d → %d MB, heap committed %d → %d MB",
                    rss0 >> 20, rss1 >> 20, heap0 >> 20, heap1 >> 20).isLessThan(MARGIN_BYTES);
        }
    }

    private static long heapCommitted() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
