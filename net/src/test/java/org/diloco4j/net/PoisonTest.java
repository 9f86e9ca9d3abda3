package org.diloco4j.net;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.run.RunResult;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.proto.HeartbeatReply;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.Refusal;
import org.diloco4j.net.proto.WorkerStats;
import org.diloco4j.net.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member that holds the token cannot poison the run with figures that pass the envelope checks:
 * a pseudo-gradient of huge finite values (refused by the norm bound that is on by default) or
 * heartbeat totals of Long.MAX_VALUE (refused as implausible; the run's totals stay sane).
 */
class PoisonTest {
    static final int BATCH = InProcessClusterTest.BATCH;

    static CoordinatorConfig async() {
        return CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1).shards(DataShards.own(1000, 1000, 1000))
                .tokenBudget(2 * BATCH * 10 * 12).tokensPerStep(BATCH)
                // Delayed Nesterov: naive async Nesterov does not converge on the toy problem.
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0)).build();
    }

    /** A raw client does not heartbeat: a session timeout long enough for it to act on a loaded machine. */
    static final org.diloco4j.net.coord.RuntimeOptions OPTIONS = InProcessClusterTest.FAST.withHeartbeat(0.1, 3.0);

    static void assertFinite(float[] theta) {
        for (float v : theta) assertThat(Float.isFinite(v)).as("θ value %s", v).isTrue();
    }

    @Test
    void aPushOfHugeFiniteValuesIsRefusedAndTheRunEnds() throws Exception {
        try (ToyCluster c = new ToyCluster(async(), OPTIONS, false, null);
             RawClient evil = new RawClient(c.name, ToyCluster.TOKEN)) {
            assertThat(evil.join("evil", 0).getAdmitted()).isTrue();
            Order first = evil.nextOrder();
            byte[] huge = MaliciousWorkerTest.fp32(MaliciousWorkerTest.small(1e30f));
            PushReply r = evil.push(evil.header(first.getTrain().getVersion(), huge, "fp32").build(), new byte[][] {huge}, false);
            assertThat(r.getAccepted()).isFalse();
            assertThat(r.getRefusal()).as(r.getReason()).isEqualTo(Refusal.REFUSAL_NORM_BOUND);
            assertThat(r.getReason()).contains("automatic bound");
            assertFinite(c.theta());

            c.startWorker(WorkerOptions.named("w0"));
            c.startWorker(WorkerOptions.named("w1"));
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            assertThat(t.stopReason()).contains("token budget");
            assertFinite(t.theta().array());
            assertThat(t.finalEval().loss()).isLessThan(t.initialEval().loss());
        }
    }

    @Test
    void aHeartbeatOfLongMaxTotalsIsRefusedAndTheRunsTotalsStaySane() throws Exception {
        try (ToyCluster c = new ToyCluster(async(), OPTIONS, false, null);
             RawClient evil = new RawClient(c.name, ToyCluster.TOKEN)) {
            assertThat(evil.join("evil", 0).getAdmitted()).isTrue();
            evil.nextOrder();
            WorkerStats lie = WorkerStats.newBuilder().setSteps(Long.MAX_VALUE).setTokens(Long.MAX_VALUE).setComputeSeconds(1e300)
                    .setBytesUp(Long.MAX_VALUE).setBytesDown(Long.MAX_VALUE).build();
            HeartbeatReply r = evil.blocking.heartbeat(HeartbeatRequest.newBuilder().setSession(evil.joined.getSession()).setStats(lie).build());
            assertThat(r.getKnown()).isTrue();
            assertThat(r.getRefusal()).as(r.getReason()).isEqualTo(Refusal.REFUSAL_IMPLAUSIBLE);
            assertThat(r.getReason()).contains("assigned");
            // One that claims a plausible step count but hours of compute in a moment is refused too.
            WorkerStats hours = WorkerStats.newBuilder().setSteps(1).setTokens(BATCH).setComputeSeconds(1e6).build();
            r = evil.blocking.heartbeat(HeartbeatRequest.newBuilder().setSession(evil.joined.getSession()).setStats(hours).build());
            assertThat(r.getRefusal()).as(r.getReason()).isEqualTo(Refusal.REFUSAL_IMPLAUSIBLE);
            assertThat(r.getReason()).contains("compute seconds");

            c.startWorker(WorkerOptions.named("w0"));
            c.startWorker(WorkerOptions.named("w1"));
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            RunResult.Worker evilTotals = t.workers().stream().filter(w -> w.name().equals("evil")).findFirst().orElseThrow();
            assertThat(evilTotals.steps()).isZero();
            assertThat(evilTotals.tokens()).isZero();
            assertThat(evilTotals.computeSeconds()).isZero();
            long steps = 0;
            for (RunResult.Worker w : t.workers()) {
                steps = Math.addExact(steps, w.steps());
                assertThat(w.utilization()).isBetween(0.0, 1.0);
                assertThat(w.computeSeconds()).isLessThanOrEqualTo(t.seconds() + 60);
            }
            // The honest workers' reports all passed: their steps add up to the tokens trained.
            assertThat(steps * BATCH).isEqualTo(t.tokens());
            assertThat(c.recorder.log).filteredOn(l -> l.contains("IMPLAUSIBLE")).hasSize(1);
        }
    }
}
