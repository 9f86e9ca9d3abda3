package org.diloco4j.net;

import org.diloco4j.core.coord.DecisionKind;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.coord.ThetaSnapshots;
import org.diloco4j.net.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real workers of asynchronous Delayed Nesterov with the default snapshot budget, which for the toy
 * model is one encoded θ: the run trains to its budget with never more than one snapshot kept, and
 * no push is refused — those served a newer θ than their order named pushed from the version served.
 */
class SharedSnapshotsClusterTest {
    @Test
    void asynchronousWorkersShareOneSnapshotAndEveryPushAnswersItsAssignment() throws Exception {
        var cfg = InProcessClusterTest.base(Method.ASYNC_DN_DYLU).outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0)).build();
        try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null)) {
            for (int i = 0; i < 3; i++) c.startWorker(WorkerOptions.named("w" + i).withStepDelay(1 + i));
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            ThetaSnapshots s = c.runtime.snapshots();
            System.out.println("SharedSnapshotsClusterTest: " + s);
            assertThat(s.peakCount()).as("snapshots kept at once").isEqualTo(1);
            assertThat(s.peakBytes()).isLessThanOrEqualTo(s.budget());
            assertThat(c.recorder.decisions(DecisionKind.REJECT.label())).isEmpty();
            assertThat(t.finalEval().loss()).isLessThan(t.initialEval().loss());
        }
    }
}
