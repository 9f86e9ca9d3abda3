package org.diloco4j.net;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.net.coord.SpoolOptions;
import org.diloco4j.net.proto.PushReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over the in-process transport, with an allowance so small that every upload spools to disk: a
 * push cut off half-way changes nothing — θ at once, and the Delayed Nesterov momentum and
 * accumulator, which the later steps read (c &gt; 0 puts the momentum in every step, N = 2 the
 * accumulator in every second one), so the run ends bit for bit where a run without the broken push
 * ends — and no upload's spool file outlives the coordinator: after each push, handled or broken,
 * the one file is idle (kept for the next upload, which rewrites it: the full push after the broken
 * one reuses the broken one's file), with no name, and closed once the coordinator stops.
 */
class CutOffPushTest {
    static final int N = ToyCluster.PROBLEM.size();

    @TempDir
    Path spool;

    static CoordinatorConfig asyncDn() {
        return CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1).shards(DataShards.own(1000))
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0.5)).weighting(new WeightingConfig("uniform", 0, -1))
                .maxDeltaNorm(10).tokenBudget(1_000_000).build();
    }

    static byte[] gradient(int k) {
        float[] g = new float[N];
        for (int i = 0; i < N; i++) g[i] = 0.001f * (float) Math.sin(3 * k + i);
        return MaliciousWorkerTest.fp32(g);
    }

    /** Spool files left: named in the directory, or held open (unlinked) by the coordinator. */
    private long spoolFiles() throws IOException {
        return SpoolFiles.named(spool) + SpoolFiles.open(spool);
    }

    /** Until the coordinator has spooled part of the upload (so the cut comes after data arrived, not before the header). */
    private void awaitSpoolFile() throws Exception {
        SpoolFiles.await(spool);
    }

    private float[] run(boolean cutOff) throws Exception {
        float[] theta;
        try (ToyCluster c = new ToyCluster(asyncDn(), InProcessClusterTest.FAST.withSpool(SpoolOptions.in(spool, 16)), false, null);
             RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            for (int k = 0; k < 4; k++) {
                byte[] g = gradient(k);
                if (cutOff && k == 2) {
                    float[] before = c.theta();
                    w.push(w.header(k, g, "fp32").build(), new byte[][] {Arrays.copyOf(g, g.length / 2)}, true,
                            this::awaitSpoolFile);
                    assertThat(c.recorder.awaitLines(l -> l.contains("broke off"), 10)).as("the coordinator saw the push break off").isNotEmpty();
                    assertThat(c.theta()).as("θ after a push cut off half-way").isEqualTo(before);
                    assertThat(c.version()).isEqualTo(k);
                    SpoolFiles.awaitIdle(spool);
                    assertThat(spoolFiles()).as("spool files after the broken push: its own, idle").isEqualTo(1);
                }
                PushReply r = w.push(w.header(k, g, "fp32").build(), new byte[][] {g}, false);
                assertThat(r.getAccepted()).as(r.getReason()).isTrue();
                assertThat(r.getApplied()).as(r.getReason()).isTrue();
                SpoolFiles.awaitIdle(spool);
                assertThat(spoolFiles()).as("spool files after push %d was answered: one, idle", k).isEqualTo(1);
                w.nextTrain();
            }
            assertThat(c.version()).isEqualTo(4);
            theta = c.theta();
        }
        assertThat(spoolFiles()).as("spool files after the coordinator stopped").isZero();
        return theta;
    }

    @Test
    void aPushCutOffHalfWayLeavesNoTraceInThetaTheOptimizerOrTheSpool() throws Exception {
        float[] broken = run(true);
        float[] clean = run(false);
        assertThat(broken).isEqualTo(clean);
    }
}
