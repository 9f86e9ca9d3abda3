package org.diloco4j.net.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's CPU breakdown by thread group and its class histogram reader. */
class ThreadCpuTest {
    @Test
    void threadsAreGroupedByTheNamesTheCoordinatorGivesThem() {
        assertThat(ThreadCpu.Group.of("diloco-coordinator")).isEqualTo(ThreadCpu.Group.EVENT_LOOP);
        assertThat(ThreadCpu.Group.of("ForkJoinPool-1-worker-2")).isEqualTo(ThreadCpu.Group.INGEST_POOL);
        assertThat(ThreadCpu.Group.of("diloco-grpc")).isEqualTo(ThreadCpu.Group.GRPC);
        assertThat(ThreadCpu.Group.of("grpc-nio-worker-ELG-3-1")).isEqualTo(ThreadCpu.Group.GRPC);
        assertThat(ThreadCpu.Group.of("diloco-checkpoint")).isEqualTo(ThreadCpu.Group.CHECKPOINT);
        assertThat(ThreadCpu.Group.of("diloco-timers")).isEqualTo(ThreadCpu.Group.OTHER);
    }

    @Test
    void theGroupsAddUpToTheProcessAndTheRestIsTheJvms() throws Exception {
        ThreadCpu start = ThreadCpu.now();
        long until = System.nanoTime() + 50_000_000;
        double x = 0;
        while (System.nanoTime() < until) x += Math.sqrt(x + 1); // this thread burns CPU: "main" is OTHER
        var by = ThreadCpu.now().since(start, 10.0);
        assertThat(by.get(ThreadCpu.Group.OTHER)).isPositive();
        // The JVM's own threads get what the process spent beyond the Java threads: never negative, never all of it.
        assertThat(by.get(ThreadCpu.Group.JVM)).isBetween(0.0, 10.0 - by.get(ThreadCpu.Group.OTHER));
        assertThat(x).isPositive();
    }

    @Test
    void theHistogramGivesTheTotalAndTheLargestClassesInOrder() {
        String text = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:          1234      300000000  [B (java.base@25)
                   2:            10      100000000  [F (java.base@25)
                   3:             5           4000  java.lang.String (java.base@25)
                Total          1249      400004000
                """;
        HeapHistogram h = HeapHistogram.parse(text, 2);
        assertThat(h.liveBytes()).isEqualTo(400_004_000L);
        assertThat(h.summary()).isEqualTo("[B 300.0 MB; [F 100.0 MB");
    }
}
