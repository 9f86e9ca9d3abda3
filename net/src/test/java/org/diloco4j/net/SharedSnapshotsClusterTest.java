package org.diloco4j.net;

import org.diloco4j.core.coord.DecisionKind;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.coord.ThetaSnapshots;
import org.diloco4j.net.proto.PullRequest;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.ThetaChunk;
import org.diloco4j.net.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real workers of asynchronous Delayed Nesterov with the default snapshot budget, which for the toy
 * model is one encoded θ: the run trains to its budget with never more than one snapshot kept, and
 * no push is refused — those served a newer θ than their order named pushed from the version served.
 * One member is driven by hand so that this happens for certain: it takes its first order (v0), pulls
 * only once the workers have moved θ on, and is served the newer θ.
 */
class SharedSnapshotsClusterTest {
    @Test
    void asynchronousWorkersShareOneSnapshotAndEveryPushAnswersItsAssignment() throws Exception {
        var cfg = InProcessClusterTest.base(Method.ASYNC_DN_DYLU).outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0)).build();
        try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null);
             RawClient late = new RawClient(c.name, ToyCluster.TOKEN)) {
            assertThat(late.join("late", -1).getAdmitted()).isTrue();
            for (int i = 0; i < 3; i++) c.startWorker(WorkerOptions.named("w" + i).withStepDelay(1 + i));
            assertThat(late.nextTrain().getVersion()).isZero();
            long until = System.nanoTime() + 30_000_000_000L;
            while (c.version() < 2) {
                if (System.nanoTime() > until) throw new AssertionError("θ did not move within 30 s");
                Thread.sleep(5);
            }
            long served = pullNewest(late);
            // Newer than its order's v0: the newest snapshot kept (ThetaStore.newest), which is v2 only if a worker
            // released at v2 pulled before this pull — a race (a push's answer may wait one event for the pass it
            // shares with the next push, and its worker's next pull with it: docs/bench/paired-arrivals.md).
            assertThat(served).as("the version served to an order that named v0").isGreaterThanOrEqualTo(1);
            byte[] g = CutOffPushTest.gradient(0);
            PushReply r = late.push(late.header(served, g, "fp32").build(), new byte[][] {g}, false);
            assertThat(r.getAccepted()).as(r.getReason()).isTrue();
            late.blocking.withDeadlineAfter(10, TimeUnit.SECONDS).leave(late.joined.getSession());

            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            ThetaSnapshots s = c.runtime.snapshots();
            assertThat(s.servedNewer()).as("pulls served a newer θ than their order named").isGreaterThanOrEqualTo(1);
            assertThat(s.peakCount()).as("snapshots kept at once").isEqualTo(1);
            assertThat(s.peakBytes()).isLessThanOrEqualTo(s.budget());
            assertThat(c.recorder.decisions(DecisionKind.REJECT.label())).isEmpty();
            assertThat(t.finalEval().loss()).isLessThan(t.initialEval().loss());
        }
    }

    /** Pulls the newest θ its order may have, all of it; returns the version its first chunk names. */
    static long pullNewest(RawClient w) {
        Iterator<ThetaChunk> it = w.blocking.withDeadlineAfter(10, TimeUnit.SECONDS).pullTheta(PullRequest.newBuilder().setSession(w.joined.getSession()).setThetaId(0).setOffset(0).build());
        long version = -1;
        while (it.hasNext()) {
            ThetaChunk ch = it.next();
            if (version < 0) version = ch.getVersion();
            if (ch.getLast()) return version;
        }
        throw new AssertionError("the pull ended without its last chunk");
    }
}
