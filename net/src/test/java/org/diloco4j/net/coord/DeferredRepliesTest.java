package org.diloco4j.net.coord;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.coord.PayloadUnreadable;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.FakeClock;
import org.diloco4j.net.auth.Caller;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pushes queued behind the event loop (handled by hand on loops that are not started, so the queue
 * is set up exactly): with more following, a push's step waits for the next push's pass and its
 * answer waits with it; the run ends with θ bit for bit where the same pushes handled one at a time
 * leave it, every answer the same, and pairs were applied.
 */
class DeferredRepliesTest {
    static final int N = 70_000; // two int8 blocks
    static final int WORKERS = 3;
    final List<RunLoop> loops = new ArrayList<>();

    @AfterEach
    void close() {
        loops.forEach(l -> l.threads.close());
    }

    /** What the loops told their monitoring of paired passes. */
    final java.util.concurrent.atomic.AtomicLong pairedReported = new java.util.concurrent.atomic.AtomicLong();

    RunLoop loop() {
        CoordinatorConfig config = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(WORKERS).tokensPerStep(16)
                .upCodec("int8").outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 8, 0)).weighting(new WeightingConfig("uniform", 0.5, -1))
                .tokenBudget(1L << 40).build();
        RuntimeOptions opts = RuntimeOptions.defaults();
        RunDefinition run = RunDefinition.of("# deferred replies\n", config, FragmentPlan.whole(N), opts.chunkBytes());
        float[] theta = new float[N];
        for (int i = 0; i < N; i++) theta[i] = (float) Math.sin(i);
        Coordinator coordinator = new Coordinator(config, run.plan(), theta, m -> { });
        RunLoop l = new RunLoop(run, new RuntimeState(coordinator, config, run.configToml()), opts, 64L << 20, null, new RuntimeListener() {
            public void metric(Metric m) {
            }

            public void segment(String worker, Segment.Kind kind, double start, double end) {
            }

            public void log(String line) {
            }
        }, null, new CoordinatorMetrics() {
            @Override
            public void pairedPasses(long n) {
                pairedReported.addAndGet(n);
            }
        }, new FakeClock());
        loops.add(l);
        return l;
    }

    /** A worker's session and the reference its messages carry. */
    record Joined(Session session, SessionRef ref) {
    }

    /** Admits the workers; their sessions, in order. */
    static List<Joined> admit(RunLoop l) {
        List<Joined> s = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            var reply = l.admit(JoinRequest.newBuilder().setName("w" + w).setShard(-1).setInstance("process-" + w).setProtocol(Limits.PROTOCOL).build(),
                    new Caller(null, "test"));
            s.add(new Joined(l.sessions.lookup(reply.getSession()), reply.getSession()));
        }
        return s;
    }

    /** Worker w's push for its current order, {@code data} int8. */
    static DeltaHeader header(RunLoop l, Joined j, long pushId, byte[] data) {
        Orders.Newest o = l.orders.newest(j.session());
        assertThat(o).as("an order for %s", j.session()).isNotNull();
        return DeltaHeader.newBuilder().setSession(j.ref()).setPushId(pushId).setAssignment(o.assignment()).setBaseVersion(o.version()).setFragment(0)
                .setSteps(10).setTokens(160).setComputeSeconds(1).setCodec("int8").setSize(data.length).setTrainLoss(Double.NaN).build();
    }

    @Test
    void queuedPushesShareAPassAndEndWhereOneAtATimeDoes() {
        RunLoop queued = loop();
        RunLoop single = loop();
        List<Joined> qs = admit(queued);
        List<Joined> ss = admit(single);
        Random r = new Random(7);
        int pushes = 0;
        for (int round = 0; round < 4; round++) {
            byte[][] data = new byte[WORKERS][];
            DeltaHeader[] hq = new DeltaHeader[WORKERS];
            DeltaHeader[] hs = new DeltaHeader[WORKERS];
            for (int w = 0; w < WORKERS; w++) {
                float[] g = new float[N];
                for (int i = 0; i < N; i++) g[i] = (float) (1e-3 * r.nextGaussian());
                data[w] = Codecs.parse("int8").encode(g);
                hq[w] = header(queued, qs.get(w), round + 1, data[w]);
                hs[w] = header(single, ss.get(w), round + 1, data[w]);
            }
            // All of the round's pushes are queued before the first is handled.
            for (int w = 0; w < WORKERS; w++) queued.replies.queued();
            List<CompletableFuture<PushReply>> qa = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                CompletableFuture<PushReply> a = new CompletableFuture<>();
                Session s = qs.get(w).session();
                DeltaHeader h = hq[w];
                EncodedSource src = EncodedSource.of(data[w]);
                queued.replies.handle(() -> queued.pushes.apply(s, h, src), a, PayloadUnreadable.class);
                qa.add(a);
                if (w < WORKERS - 1 && queued.coordinator.deferredSteps() > 0) {
                    assertThat(a).as("a push whose pass waits is not answered yet").isNotDone();
                }
                pushes++;
            }
            assertThat(queued.coordinator.deferredSteps()).as("the last of the queue does not wait").isZero();
            for (int w = 0; w < WORKERS; w++) {
                CompletableFuture<PushReply> a = new CompletableFuture<>();
                Session s = ss.get(w).session();
                DeltaHeader h = hs[w];
                EncodedSource src = EncodedSource.of(data[w]);
                single.replies.queued();
                single.replies.handle(() -> single.pushes.apply(s, h, src), a, PayloadUnreadable.class);
                assertThat(a).isDone();
                assertThat(qa.get(w)).as("push %d of round %d answered", w, round).isDone();
                assertThat(qa.get(w).join()).isEqualTo(a.join());
                assertThat(a.join().getApplied()).as(a.join().getReason()).isTrue();
            }
            assertThat(queued.coordinator.theta()).as("θ after round %d", round).isEqualTo(single.coordinator.theta());
        }
        assertThat(pushes).isEqualTo(4 * WORKERS);
        assertThat(queued.coordinator.sharedPasses()).as("pairs applied").isPositive();
        assertThat(pairedReported.get()).as("paired passes counted for monitoring").isEqualTo(queued.coordinator.sharedPasses());
        assertThat(single.coordinator.deferrals()).isZero();
        assertThat(queued.coordinator.version()).isEqualTo(single.coordinator.version());
    }
}
