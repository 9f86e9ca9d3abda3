package org.diloco4j.net;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.run.RunResult;
import org.diloco4j.net.coord.CheckpointStore;
import org.diloco4j.net.coord.FileCheckpointStore;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.coord.RuntimeOptions;
import org.diloco4j.net.coord.SavedRun;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streaming DiLoCo through a coordinator crash: started again on the same checkpoint directory, the
 * coordinator continues the outer-step count and the totals where the checkpoint left them, the
 * workers rejoin, the fragments take turns again and the run ends at its budget. (The schedule's
 * phase starts over with the rejoined workers: the fragment synced last before the crash may be the
 * first to sync after it.)
 */
class StreamingRestartTest {
    @Test
    void streamingResumesFromItsCheckpointAndTheWorkersRejoin(@TempDir Path dir) throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        RuntimeOptions opts = InProcessClusterTest.FAST.withCheckpoints(2, 0);
        CoordinatorConfig cfg = InProcessClusterTest.base(Method.STREAMING).overlap(1).mergeAlpha(0.5).upCodec("q4").errorFeedback(true)
                .tokenBudget(3 * InProcessClusterTest.BATCH * 10 * 16).build();
        ToyCluster first = new ToyCluster(cfg, opts, false, store);
        ToyCluster second = null;
        try {
            assertThat(first.run.plan().count()).isEqualTo(2);
            InProcessClusterTest.startThree(first);
            InProcessClusterTest.waitFor(() -> first.outerSteps() >= 6, 30);
            first.crashCoordinator();
            CheckpointStore.Checkpoint saved = store.load().orElseThrow();
            assertThat(saved.outerSteps()).isGreaterThanOrEqualTo(4L);
            Metric.OuterStep last = first.recorder.steps().stream().filter(s -> s.step() == saved.outerSteps()).findFirst().orElseThrow();

            second = ToyCluster.resume(first, store, saved);
            RunTotals t = second.await(60);
            assertThat(t.finished()).isTrue();
            assertThat(t.stopReason()).contains("token budget");
            assertThat(t.tokens()).isGreaterThanOrEqualTo(cfg.tokenBudget());
            assertThat(t.finalEval().loss()).isLessThan(t.initialEval().loss());

            // The members of the first incarnation are lost; the workers come back as new members.
            assertThat(second.recorder.decisions("lost")).hasSize(3).allSatisfy(d -> assertThat(d.reason()).contains("coordinator restarted"));
            assertThat(second.recorder.decisions("join")).isNotEmpty().allSatisfy(d -> assertThat(d.member()).isGreaterThanOrEqualTo(3));
            // Outer steps continue from the checkpoint, one at a time, the fragments still taking turns.
            List<Metric.OuterStep> after = second.recorder.steps();
            assertThat(after).isNotEmpty();
            assertThat(after.get(0).step()).isEqualTo(saved.outerSteps() + 1);
            for (int i = 1; i < after.size(); i++) {
                assertThat(after.get(i).step()).isEqualTo(after.get(i - 1).step() + 1);
                assertThat(after.get(i).fragment()).isNotEqualTo(after.get(i - 1).fragment());
            }
            assertThat(after).extracting(Metric.OuterStep::fragment).contains(0, 1);
            // The totals continue the checkpointed ones: tokens, bytes, outer steps.
            Metric.OuterStep end = after.get(after.size() - 1);
            assertThat(t.outerSteps()).isEqualTo(end.step());
            assertThat(t.tokens()).isEqualTo(end.tokens());
            assertThat(after.get(0).tokens()).isGreaterThanOrEqualTo(last.tokens());
            assertThat(after.get(0).bytesUp()).isGreaterThan(last.bytesUp());
            assertThat(after.get(0).bytesDown()).isGreaterThan(last.bytesDown());
            assertThat(t.bytesUp()).isEqualTo(end.bytesUp());
            assertThat(t.bytesDown()).isGreaterThanOrEqualTo(end.bytesDown());
            // The workers' own totals count all they trained, the work in flight at the crash included
            // (which the run lost): what the processes trained since the checkpoint, by name, is at least
            // the tokens the run took after the restart. (A process that had not rejoined when the run
            // ended never reported to this coordinator: its total is still the checkpointed one.)
            SavedRun restored = SavedRun.of(saved, first.run.plan());
            long trainedSince = 0;
            for (RunResult.Worker w : t.workers()) {
                long before = restored.workerTokens().getOrDefault(w.name(), 0L);
                assertThat(w.tokens()).as("%s's own total", w.name()).isGreaterThanOrEqualTo(before);
                trainedSince += w.tokens() - before;
            }
            assertThat(restored.tokens()).isGreaterThanOrEqualTo(last.tokens());
            assertThat(trainedSince).isGreaterThanOrEqualTo(t.tokens() - restored.tokens());
            first.joinWorkers(15);
            assertThat(first.outcomes).hasSize(3).allSatisfy((k, v) -> assertThat(v.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED));
        } finally {
            first.close();
            if (second != null) second.close();
        }
    }
}


