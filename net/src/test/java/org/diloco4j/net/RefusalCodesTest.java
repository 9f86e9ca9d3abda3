package org.diloco4j.net;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.net.coord.RuntimeOptions;
import org.diloco4j.net.proto.DeltaChunk;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.HeartbeatReply;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.Refusal;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every refusal code the coordinator gives, one RPC at a time, over the in-process transport (the
 * grpc-java routeguide way: the real server on an injected {@code InProcessServerBuilder}): the
 * code the client sees, and where a real worker can be brought there, what it then does. How a
 * worker reacts to each code on its own is in {@code WorkerRefusalTest}.
 */
class RefusalCodesTest {
    static final int N = ToyCluster.PROBLEM.size();
    /** Long sessions: a raw client sends no heartbeats. */
    static final RuntimeOptions OPTS = InProcessClusterTest.FAST.withHeartbeat(0.5, 30);

    /** Synchronous DiLoCo on three shards that stops after one outer step. */
    static CoordinatorConfig oneStep() {
        return CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).maxDeltaNorm(10)
                .shards(DataShards.own(1000, 1000, 1000)).maxOuterSteps(1).tokenBudget(1_000_000).build();
    }

    static ToyCluster cluster() throws Exception {
        return new ToyCluster(oneStep(), OPTS, false, null);
    }

    static byte[] good() {
        return MaliciousWorkerTest.fp32(MaliciousWorkerTest.small(0.01f));
    }

    static PushReply push(RawClient c, DeltaHeader.Builder h, byte[] data) throws Exception {
        return c.push(h.build(), new byte[][] {data}, false);
    }

    static void assertRefused(PushReply r, Refusal code, String detail) {
        assertThat(r.getAccepted()).as(r.getReason()).isFalse();
        assertThat(r.getRefusal()).as(r.getReason()).isEqualTo(code);
        assertThat(r.getReason()).contains(detail);
    }

    /** Refused, but an answer to the assignment all the same: the round restarts with a new one, taken here. */
    static void assertAnswered(RawClient w, DeltaHeader.Builder h, byte[] data, Refusal code, String detail) throws Exception {
        assertRefused(push(w, h, data), code, detail);
        w.nextTrain();
    }

    /** The member's next order that is not work (reject, evict, stop). */
    static Order nextNotice(RawClient c) throws InterruptedException {
        while (true) {
            Order o = c.nextOrder();
            if (!o.hasTrain() && !o.hasFragment()) return o;
        }
    }

    // ---- Join --------------------------------------------------------------------------------------

    /** An old worker is answered, not failed: it reads admitted = false and a reason naming both versions. */
    @Test
    void joinFromAnotherProtocolVersionIsWrongProtocol() throws Exception {
        try (ToyCluster c = cluster(); RawClient old = new RawClient(c.name, ToyCluster.TOKEN)) {
            JoinReply r = old.join("old", 0, Limits.PROTOCOL - 1);
            assertThat(r.getAdmitted()).isFalse();
            assertThat(r.getRefusal()).isEqualTo(Refusal.REFUSAL_WRONG_PROTOCOL);
            assertThat(r.getReason()).contains("protocol version " + (Limits.PROTOCOL - 1)).contains("speaks " + Limits.PROTOCOL);
            assertThat(c.members()).isZero();
        }
    }

    @Test
    void joinForAShardTheRunDoesNotHaveIsBadShardAndTheWorkerExitsRefused() throws Exception {
        try (ToyCluster c = cluster(); RawClient raw = new RawClient(c.name, ToyCluster.TOKEN)) {
            JoinReply r = raw.join("far", 7);
            assertThat(r.getAdmitted()).isFalse();
            assertThat(r.getRefusal()).isEqualTo(Refusal.REFUSAL_BAD_SHARD);
            assertThat(r.getReason()).contains("shard 7").contains("the run has 3");

            c.startWorker(new WorkerOptions("far", 5, 0, 0, 600, WorkerOptions.newInstance()));
            c.joinWorkers(10);
            assertThat(c.outcomes.get("far").exit()).isEqualTo(WorkerRuntime.Exit.REFUSED);
            assertThat(c.outcomes.get("far").reason()).contains("shard 5");
            assertThat(c.members()).isZero();
        }
    }

    /** A run that stopped answers joins RUN_OVER; a worker told so exits as stopped, not refused. */
    @Test
    void joinAfterTheRunStoppedIsRunOverAndTheWorkerExitsStopped() throws Exception {
        try (ToyCluster c = cluster(); RawClient first = new RawClient(c.name, ToyCluster.TOKEN);
             RawClient late = new RawClient(c.name, ToyCluster.TOKEN)) {
            finishTheRun(first);
            JoinReply r = late.join("late", 1);
            assertThat(r.getAdmitted()).isFalse();
            assertThat(r.getRefusal()).isEqualTo(Refusal.REFUSAL_RUN_OVER);
            assertThat(r.getReason()).startsWith("the run is over");

            c.startWorker(WorkerOptions.named("later"));
            c.joinWorkers(10);
            assertThat(c.outcomes.get("later").exit()).isEqualTo(WorkerRuntime.Exit.STOPPED);
        }
    }

    /** Joins, pushes the one pseudo-gradient that completes the only outer step, and checks the stop notice. */
    private static void finishTheRun(RawClient w) throws Exception {
        assertThat(w.join("w", 0).getAdmitted()).isTrue();
        assertThat(w.nextOrder().hasTrain()).isTrue();
        PushReply ok = push(w, w.header(0, good(), "fp32"), good());
        assertThat(ok.getAccepted()).as(ok.getReason()).isTrue();
        Order stop = nextNotice(w);
        assertThat(stop.hasStop()).isTrue();
        assertThat(stop.getStop().getRefusal()).isEqualTo(Refusal.REFUSAL_RUN_OVER);
    }

    // ---- PushDelta -------------------------------------------------------------------------------

    @Test
    void pushAfterTheRunStoppedIsRunOver() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            finishTheRun(w);
            assertRefused(push(w, w.header(0, good(), "fp32"), good()), Refusal.REFUSAL_RUN_OVER, "the run is over");
        }
    }

    @Test
    void pushForAnotherSessionIsNotAMember() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            SessionRef forged = w.joined.getSession().toBuilder().setKey(ByteString.copyFrom(new byte[16])).build();
            assertRefused(push(w, w.header(0, good(), "fp32").setSession(forged), good()), Refusal.REFUSAL_NOT_A_MEMBER, "session key");
            SessionRef gone = w.joined.getSession().toBuilder().setMember(42).build();
            assertRefused(push(w, w.header(0, good(), "fp32").setSession(gone), good()), Refusal.REFUSAL_NOT_A_MEMBER, "is not in the run");
        }
    }

    /** Malformed twice: by the transport (before buffering) and by the coordinator (the codec); each rejection is also ordered as a notice. */
    @Test
    void pushWithAWrongEnvelopeIsMalformed() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            assertAnswered(w, w.header(0, good(), "fp32").setFragment(3), good(), Refusal.REFUSAL_MALFORMED, "fragment 3 does not exist");
            assertRefused(push(w, w.header(0, good(), "int8"), good()), Refusal.REFUSAL_MALFORMED, "codec 'int8'");
            Order notice = nextNotice(w);
            assertThat(notice.hasReject()).isTrue();
            assertThat(notice.getReject().getRefusal()).isEqualTo(Refusal.REFUSAL_MALFORMED);
            assertThat(c.version()).isZero();
        }
    }

    @Test
    void pushWhoseBytesAreDamagedIsCorrupt() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            assertAnswered(w, w.header(0, good(), "fp32").setCrc32C(12345), good(), Refusal.REFUSAL_CORRUPT, "CRC32C");
            byte[] garbage = good();
            java.util.Arrays.fill(garbage, (byte) 0x7f);
            assertRefused(push(w, w.header(0, garbage, "fp32"), garbage), Refusal.REFUSAL_CORRUPT, "undecodable");
            assertThat(c.version()).isZero();
        }
    }

    @Test
    void pushHoldingNaNIsNonFinite() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            float[] g = MaliciousWorkerTest.small(0.01f);
            g[2] = Float.NaN;
            byte[] nan = MaliciousWorkerTest.fp32(g);
            assertRefused(push(w, w.header(0, nan, "fp32"), nan), Refusal.REFUSAL_NON_FINITE, "non-finite value (NaN) at index 2");
            Order notice = nextNotice(w);
            assertThat(notice.getReject().getRefusal()).isEqualTo(Refusal.REFUSAL_NON_FINITE);
        }
    }

    /**
     * A push above the norm bound is NORM_BOUND; it answered its assignment all the same, so a push
     * answering it again (already answered; another θ version) is a replay, and a notice of one too.
     */
    @Test
    void pushAboveTheNormBoundIsNormBoundAndOneAnsweringNoAssignmentIsReplay() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            byte[] big = MaliciousWorkerTest.fp32(MaliciousWorkerTest.small(5f));
            assertRefused(push(w, w.header(0, big, "fp32"), big), Refusal.REFUSAL_NORM_BOUND, "exceeds the bound");
            assertRefused(push(w, w.header(0, good(), "fp32"), good()), Refusal.REFUSAL_REPLAY, "already answered");
            assertRefused(push(w, w.header(0, new byte[0], "fp32").setSize(0).setWithheld("diverged"), new byte[0]), Refusal.REFUSAL_REPLAY,
                    "not outstanding");
            w.nextTrain();
            assertRefused(push(w, w.header(3, good(), "fp32"), good()), Refusal.REFUSAL_REPLAY, "not fragment 0 from v3");
            assertThat(c.version()).isZero();
            assertThat(push(w, w.header(0, good(), "fp32"), good()).getAccepted()).isTrue();
            assertThat(c.version()).isEqualTo(1);
        }
    }

    /** Figures the assignment does not allow are implausible; the detail names the figure. */
    @Test
    void pushWithImpossibleFiguresIsImplausible() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            assertAnswered(w, w.header(0, good(), "fp32").setSteps(11), good(), Refusal.REFUSAL_IMPLAUSIBLE, "steps 11 exceed the 10 assigned");
            assertRefused(push(w, w.header(0, good(), "fp32").setComputeSeconds(1e6), good()), Refusal.REFUSAL_IMPLAUSIBLE, "compute seconds");
            Order notice = nextNotice(w);
            assertThat(notice.getReject().getRefusal()).isEqualTo(Refusal.REFUSAL_IMPLAUSIBLE);
            assertThat(c.version()).isZero();
        }
    }

    /** Uploads held open up to the limit per member; one more is BUSY, before any of its bytes are buffered. */
    @Test
    void pushBeyondTheUploadsInFlightIsBusy() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            List<StreamObserver<DeltaChunk>> open = new ArrayList<>();
            for (int i = 0; i < OPTS.maxPushesPerMember(); i++) {
                StreamObserver<DeltaChunk> s = w.async.pushDelta(new Ignore());
                s.onNext(DeltaChunk.newBuilder().setHeader(w.header(0, good(), "fp32")).build());
                open.add(s);
            }
            // The open uploads' headers travel on calls of their own: give the server time to count them.
            Thread.sleep(300);
            PushReply r = push(w, w.header(0, good(), "fp32"), good());
            assertRefused(r, Refusal.REFUSAL_BUSY, "pushes in flight");
            open.forEach(StreamObserver::onCompleted);
        }
    }

    // ---- Heartbeat -------------------------------------------------------------------------------

    @Test
    void heartbeatForAnUnknownSessionIsNotAMember() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            SessionRef gone = w.joined.getSession().toBuilder().setMember(42).build();
            HeartbeatReply r = w.blocking.heartbeat(HeartbeatRequest.newBuilder().setSession(gone).build());
            assertThat(r.getKnown()).isFalse();
            assertThat(r.getRefusal()).isEqualTo(Refusal.REFUSAL_NOT_A_MEMBER);
            HeartbeatReply ok = w.blocking.heartbeat(HeartbeatRequest.newBuilder().setSession(w.joined.getSession()).build());
            assertThat(ok.getKnown()).isTrue();
            assertThat(ok.getRefusal()).isEqualTo(Refusal.REFUSAL_UNSPECIFIED);
        }
    }

    private static final class Ignore implements StreamObserver<PushReply> {
        @Override
        public void onNext(PushReply r) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
