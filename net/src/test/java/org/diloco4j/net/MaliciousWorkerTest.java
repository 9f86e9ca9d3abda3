package org.diloco4j.net;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whatever a worker sends, θ changes only through valid pseudo-gradients. */
class MaliciousWorkerTest {
    static final int N = ToyCluster.PROBLEM.size();

    static CoordinatorConfig sync() {
        return CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).maxDeltaNorm(10)
                .shards(DataShards.own(1000, 1000, 1000)).tokenBudget(1_000_000).build();
    }

    static byte[] fp32(float[] v) {
        return Codecs.parse("fp32").encode(v);
    }

    static float[] small(float value) {
        float[] g = new float[N];
        Arrays.fill(g, value);
        return g;
    }

    @Test
    void invalidPseudoGradientsAreRejectedWithTheirReasonAndLeaveThetaUnchanged() throws Exception {
        try (ToyCluster c = new ToyCluster(sync(), InProcessClusterTest.FAST, false, null);
             RawClient evil = new RawClient(c.name, ToyCluster.TOKEN)) {
            assertThat(evil.join("evil", 0).getAdmitted()).isTrue();
            Order first = evil.nextOrder();
            assertThat(first.hasTrain()).isTrue();
            float[] before = c.theta();

            float[] nan = small(0.01f);
            nan[3] = Float.NaN;
            byte[] good = fp32(small(0.01f));
            byte[] shortShape = fp32(Arrays.copyOf(small(0.01f), N - 1));
            byte[] garbage = new byte[good.length];
            Arrays.fill(garbage, (byte) 0x7f);

            // Each refusal answers the assignment; the round restarts with a new one, which the next push answers.
            assertAnswered(evil, evil.header(0, shortShape, "fp32"), shortShape, "payload of " + shortShape.length + " bytes");
            assertAnswered(evil, evil.header(0, fp32(nan), "fp32"), fp32(nan), "non-finite value (NaN) at index 3");
            assertAnswered(evil, evil.header(0, fp32(small(5f)), "fp32"), fp32(small(5f)), "exceeds the bound");
            assertAnswered(evil, evil.header(0, good, "int8"), good, "codec 'int8'");
            // From a θ version it was not given: answers no assignment (the one outstanding stays so).
            assertRejected(evil, evil.header(7, good, "fp32"), good, "not fragment 0 from v7");
            assertAnswered(evil, evil.header(0, garbage, "fp32"), garbage, "undecodable");
            assertAnswered(evil, evil.header(0, good, "fp32").setSize(good.length + 1), good, "declared size");
            assertAnswered(evil, evil.header(0, good, "fp32").setCrc32C(12345), good, "CRC32C");
            assertAnswered(evil, evil.header(0, good, "fp32").setFragment(3), good, "fragment 3 does not exist");
            byte[] half = Arrays.copyOf(good, good.length / 2);
            assertAnswered(evil, evil.header(0, good, "fp32"), half, "upload ended after " + half.length);
            // A stranger's key for this member is refused before anything is buffered.
            SessionRef forged = evil.joined.getSession().toBuilder().setKey(ByteString.copyFrom(new byte[16])).build();
            assertRejected(evil, evil.header(0, good, "fp32").setSession(forged), good, "session key does not match");

            // Vanishing half-way through an upload leaves nothing behind.
            evil.push(evil.header(0, good, "fp32").build(), new byte[][] {half}, true);
            Thread.sleep(200);

            assertThat(c.theta()).isEqualTo(before);
            assertThat(c.version()).isZero();
            assertThat(c.outerSteps()).isZero();
            assertThat(c.recorder.decisions("reject")).hasSizeGreaterThanOrEqualTo(10);
            // Monitoring counts each rejection under a bounded reason, never its text.
            assertThat(rejected(c, "malformed")).isEqualTo(4);
            assertThat(rejected(c, "replay")).isEqualTo(1);
            assertThat(rejected(c, "corrupt")).isEqualTo(3);
            assertThat(rejected(c, "non_finite")).isEqualTo(1);
            assertThat(rejected(c, "norm_bound")).isEqualTo(1);
            assertThat(rejected(c, "unknown_session")).isEqualTo(1);
            assertThat(rejected(c, "other")).isZero();
            assertThat(Snapshots.value(c.registry, "diloco_coordinator_contributions_dropped_total")).isZero();

            // The same member's valid pseudo-gradient is then applied.
            PushReply ok = evil.push(evil.header(0, good, "fp32").build(), new byte[][] {good}, false);
            assertThat(ok.getAccepted()).as(ok.getReason()).isTrue();
            assertThat(c.version()).isEqualTo(1);
        }
    }

    private static double rejected(ToyCluster c, String reason) {
        return Snapshots.value(c.registry, "diloco_coordinator_pushes_rejected_total", "reason", reason);
    }

    /** A valid message of {@code spec} with the little-endian float or short at byte {@code at} overwritten. */
    /** The code of value 0 in {@code small(0.01f)} encoded with int8: its codes follow the header, the chunk size and the 1024-byte table. */
    static int int8CodeOfValue0() {
        return Codecs.parse("int8").encode(small(0.01f))[12 + 1024] & 0xFF;
    }

    static byte[] crafted(String spec, int at, Number value) {
        byte[] b = Codecs.parse(spec).encode(small(0.01f));
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (value instanceof Float f) buf.putFloat(at, f);
        else buf.putShort(at, value.shortValue());
        return b;
    }

    /**
     * A worker pushing NaN or ±infinity under every codec, in the bytes themselves: refused as
     * malformed or rejected as non-finite, never masked as a finite value, and θ unchanged bit for bit.
     */
    @Test
    void nonFiniteValuesAreRejectedUnderEveryCodec() throws Exception {
        Object[][] cases = {
                {"fp32", crafted("fp32", 8 + 4 * 5, Float.POSITIVE_INFINITY), "non-finite value (Infinity) at index 5"},
                {"fp16", crafted("fp16", 8 + 2 * 5, (short) 0xFC00), "non-finite value (-Infinity) at index 5"},
                {"fp16", crafted("fp16", 8 + 2 * 5, (short) 0x7E00), "non-finite value (NaN) at index 5"},
                {"bf16", crafted("bf16", 8, (short) 0x7F80), "non-finite value (Infinity) at index 0"},
                // int8: the table entry of value 0's code (an entry no value uses is let through).
                {"int8", crafted("int8", 12 + 4 * int8CodeOfValue0(), Float.NaN), "non-finite value (NaN) at index 0"},
                {"q4", crafted("q4", 12, Float.POSITIVE_INFINITY), "scale of block 0 is Infinity"},
                {"q4", crafted("q4", 12, 3e38f), "non-finite value"},
                {"fp4", crafted("fp4", 12, Float.NaN), "scale of block 0 is NaN"},
                {"topk:0.25", crafted("topk:0.25", 20 + 4 * 2, Float.NEGATIVE_INFINITY), "kept value 2 is -Infinity"},
        };
        for (Object[] k : cases) {
            String spec = (String) k[0];
            CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).upCodec(spec)
                    .shards(DataShards.own(1000)).tokenBudget(1_000_000).build();
            try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null);
                 RawClient evil = new RawClient(c.name, ToyCluster.TOKEN)) {
                evil.join("evil", 0);
                float[] before = c.theta();
                byte[] data = (byte[]) k[1];
                assertRejected(evil, evil.header(0, data, Codecs.parse(spec).name()), data, (String) k[2]);
                float[] after = c.theta();
                for (int i = 0; i < N; i++) assertThat(Float.floatToRawIntBits(after[i])).as(spec).isEqualTo(Float.floatToRawIntBits(before[i]));
                assertThat(c.version()).isZero();
            }
        }
    }

    private static void assertRejected(RawClient evil, DeltaHeader.Builder h, byte[] data, String reason) throws Exception {
        PushReply r = evil.push(h.build(), new byte[][] {data}, false);
        assertThat(r.getAccepted()).as("push expected to fail with '%s'", reason).isFalse();
        assertThat(r.getReason()).contains(reason);
    }

    /** Refused, but an answer to the assignment all the same: the member is given a new one. */
    private static void assertAnswered(RawClient evil, DeltaHeader.Builder h, byte[] data, String reason) throws Exception {
        assertRejected(evil, h, data, reason);
        evil.nextTrain();
    }

    @Test
    void aRetriedPushIsAnsweredWithoutBeingAppliedTwice() throws Exception {
        CoordinatorConfig async = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1)
                .shards(DataShards.own(1000)).tokenBudget(1_000_000).build();
        try (ToyCluster c = new ToyCluster(async, InProcessClusterTest.FAST, false, null);
             RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            byte[] g = fp32(small(0.001f));
            DeltaHeader h = w.header(0, g, "fp32").build();
            PushReply first = w.push(h, new byte[][] {g}, false);
            float[] after = c.theta();
            PushReply again = w.push(h, new byte[][] {g}, false);
            assertThat(again).isEqualTo(first);
            assertThat(c.version()).isEqualTo(1);
            assertThat(c.theta()).isEqualTo(after);
        }
    }

    @Test
    void aPseudoGradientStalerThanTheLimitIsNotApplied() throws Exception {
        CoordinatorConfig async = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1)
                .weighting(new WeightingConfig("uniform", 0, 1)).shards(DataShards.own(1000, 1000)).tokenBudget(1_000_000).build();
        try (ToyCluster c = new ToyCluster(async, InProcessClusterTest.FAST, false, null);
             RawClient slow = new RawClient(c.name, ToyCluster.TOKEN);
             RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            slow.join("slow", 1);
            assertThat(slow.nextTrain().getVersion()).isZero();
            w.join("w", 0);
            byte[] g = fp32(small(0.001f));
            assertThat(w.push(w.header(0, g, "fp32").build(), new byte[][] {g}, false).getAccepted()).isTrue();
            assertThat(w.nextTrain().getVersion()).isEqualTo(1);
            assertThat(w.push(w.header(1, g, "fp32").build(), new byte[][] {g}, false).getAccepted()).isTrue();
            float[] before = c.theta();
            assertThat(c.version()).isEqualTo(2);

            // The slow member answers the assignment it was given at v0, two outer steps ago.
            PushReply stale = slow.push(slow.header(0, g, "fp32").build(), new byte[][] {g}, false);
            assertThat(stale.getReason()).contains("too stale: staleness 2 > max 1");
            assertThat(c.theta()).isEqualTo(before);
            assertThat(c.version()).isEqualTo(2);
            assertThat(Snapshots.value(c.registry, "diloco_coordinator_contributions_dropped_total", "reason", "stale")).isEqualTo(1);
            assertThat(Snapshots.value(c.registry, "diloco_coordinator_contributions_dropped_total")).isEqualTo(1);
            assertThat(Snapshots.value(c.registry, "diloco_coordinator_pushes_applied_total", "worker", "w")).isEqualTo(2);
        }
    }

    @Test
    void aWrongTokenIsRefusedAtTheDoor() throws Exception {
        try (ToyCluster c = new ToyCluster(sync(), InProcessClusterTest.FAST, false, null);
             RawClient stranger = new RawClient(c.name, Token.of("not-the-token-0000"))) {
            assertThatThrownBy(() -> stranger.join("stranger", 0)).isInstanceOf(StatusRuntimeException.class)
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            WorkerRuntime w = c.startWorker(WorkerOptions.named("intruder"), c.client(Token.of("not-the-token-0000")), ToyCluster.provider());
            c.joinWorkers(10);
            assertThat(c.outcomes.get("intruder").exit()).isEqualTo(WorkerRuntime.Exit.REFUSED);
            assertThat(c.outcomes.get("intruder").reason()).contains("wrong token");
            assertThat(c.members()).isZero();
            assertThat(w.stats().getSteps()).isZero();
        }
    }

    /**
     * Issue 13 item 3: the same pseudo-gradient re-pushed under new push ids was applied again (the
     * last time at staleness 28). A push answers the assignment it was given, once: a second push
     * naming it, or naming the next one but from the old θ version, is a replay.
     */
    @Test
    void theSamePseudoGradientRepushedUnderNewPushIdsIsAReplayAndAppliedOnce() throws Exception {
        CoordinatorConfig async = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1)
                .shards(DataShards.own(1000)).tokenBudget(1_000_000).build();
        try (ToyCluster c = new ToyCluster(async, InProcessClusterTest.FAST, false, null);
             RawClient evil = new RawClient(c.name, ToyCluster.TOKEN)) {
            evil.join("evil", 0);
            byte[] g = fp32(small(0.001f));
            PushReply first = evil.push(evil.header(0, g, "fp32").build(), new byte[][] {g}, false);
            assertThat(first.getAccepted()).as(first.getReason()).isTrue();
            float[] once = c.theta();
            for (int i = 0; i < 3; i++) {
                PushReply again = evil.push(evil.header(0, g, "fp32").build(), new byte[][] {g}, false); // a new push id each time
                assertThat(again.getRefusal()).as(again.getReason()).isEqualTo(org.diloco4j.net.proto.Refusal.REFUSAL_REPLAY);
                assertThat(again.getReason()).contains("already answered");
            }
            evil.nextTrain();
            PushReply oldBase = evil.push(evil.header(0, g, "fp32").build(), new byte[][] {g}, false);
            assertThat(oldBase.getRefusal()).as(oldBase.getReason()).isEqualTo(org.diloco4j.net.proto.Refusal.REFUSAL_REPLAY);
            assertThat(oldBase.getReason()).contains("from v1, not fragment 0 from v0");
            assertThat(c.theta()).isEqualTo(once);
            assertThat(c.version()).isEqualTo(1);
            assertThat(rejected(c, "replay")).isEqualTo(4);
        }
    }

    /**
     * Issue 13 item 2: a push claiming Long.MAX_VALUE tokens made the token counter negative (the run
     * never ended), 1e13 ended it at once. Both are refused as implausible, counted nowhere, and the
     * honest workers train the run to its budget as if the liar had not pushed.
     */
    @Test
    void impossibleTokenCountsAreImplausibleAndTheRunEndsNormally() throws Exception {
        CoordinatorConfig async = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1)
                .shards(DataShards.own(1000, 1000, 1000)).tokensPerStep(InProcessClusterTest.BATCH).tokenBudget(2400).build();
        try (ToyCluster c = new ToyCluster(async, InProcessClusterTest.FAST, false, null);
             RawClient liar = new RawClient(c.name, ToyCluster.TOKEN)) {
            liar.join("liar", 2);
            byte[] g = fp32(small(0.001f));
            for (long tokens : new long[] {Long.MAX_VALUE, 10_000_000_000_000L}) {
                PushReply r = liar.push(liar.header(0, g, "fp32").setTokens(tokens).build(), new byte[][] {g}, false);
                assertThat(r.getRefusal()).as(r.getReason()).isEqualTo(org.diloco4j.net.proto.Refusal.REFUSAL_IMPLAUSIBLE);
                assertThat(r.getReason()).contains("tokens " + tokens);
                liar.nextTrain();
            }
            assertThat(c.version()).isZero();
            liar.blocking.leave(liar.joined.getSession());
            c.startWorker(new WorkerOptions("w0", 0, 0, 0, 600, WorkerOptions.newInstance()));
            c.startWorker(new WorkerOptions("w1", 1, 0, 0, 600, WorkerOptions.newInstance()));
            RunTotals t = c.await(30);
            assertThat(t.stopReason()).contains("token budget of 2400 reached");
            assertThat(t.tokens()).isBetween(2400L, 2400L + 2 * 10 * InProcessClusterTest.BATCH);
            assertThat(rejected(c, "implausible")).isEqualTo(2);
            c.joinWorkers(10);
            assertThat(c.outcomes).hasSize(2).allSatisfy((k, v) -> assertThat(v.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED));
        }
    }

    /**
     * Issue 13 item 4: a push claiming 24 steps in 1e-300 s made Dynamic Local Updates hand every
     * honest worker the minimum of steps. The steps honest workers are given with the liar among
     * them are the steps they are given without it.
     */
    @Test
    void aWorkerClaimingAnImpossibleSpeedDoesNotShrinkHonestAssignments() throws Exception {
        assertThat(honestSteps(false)).isEqualTo(java.util.List.of(10, 5)).isEqualTo(honestSteps(true));
    }

    /** Steps DyLU gives two honest workers (20 and 10 steps/s) after each reported once, with or without a liar. */
    private static java.util.List<Integer> honestSteps(boolean withLiar) throws Exception {
        CoordinatorConfig dylu = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).dylu(true).innerSteps(10).minInnerSteps(1)
                .minWorkers(1).shards(DataShards.own(1000, 1000, 1000)).tokenBudget(1_000_000).build();
        try (ToyCluster c = new ToyCluster(dylu, InProcessClusterTest.FAST, false, null);
             RawClient a = new RawClient(c.name, ToyCluster.TOKEN);
             RawClient b = new RawClient(c.name, ToyCluster.TOKEN);
             RawClient liar = new RawClient(c.name, ToyCluster.TOKEN)) {
            a.join("a", 0);
            b.join("b", 1);
            byte[] g = fp32(small(0.0001f));
            if (withLiar) {
                liar.join("liar", 2);
                PushReply r = liar.push(liar.header(0, g, "fp32").setComputeSeconds(1e-300).build(), new byte[][] {g}, false);
                assertThat(r.getAccepted()).as(r.getReason()).isTrue();
            }
            PushReply ra = a.push(a.header(0, g, "fp32").setComputeSeconds(0.5).build(), new byte[][] {g}, false);
            assertThat(ra.getAccepted()).as(ra.getReason()).isTrue();
            PushReply rb = b.push(b.header(0, g, "fp32").setComputeSeconds(1.0).build(), new byte[][] {g}, false);
            assertThat(rb.getAccepted()).as(rb.getReason()).isTrue();
            return java.util.List.of(a.nextTrain().getSteps(), b.nextTrain().getSteps());
        }
    }
}
