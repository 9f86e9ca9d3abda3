package org.diloco4j.net;

import org.diloco4j.net.proto.Notice;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.Refusal;
import org.diloco4j.net.proto.HeartbeatReply;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a worker does with each refusal code, per RPC, against a {@link FakeCoordinator}: it acts on
 * the code alone — every reason here is text no decision could key on.
 */
class WorkerRefusalTest {
    static final String OPAQUE = "opaque detail";

    /** A refused join ends the worker: stopped if the run is over, refused for every other code but FULL. */
    @ParameterizedTest
    @EnumSource(value = Refusal.class, names = {"UNRECOGNIZED", "REFUSAL_FULL"}, mode = EnumSource.Mode.EXCLUDE)
    void aRefusedJoinEndsTheWorker(Refusal code) throws Exception {
        try (FakeCoordinator f = new FakeCoordinator()) {
            f.joins = n -> FakeCoordinator.refusal(code, OPAQUE);
            WorkerRuntime.Outcome o = f.runWorker();
            assertThat(o.exit()).isEqualTo(code == Refusal.REFUSAL_RUN_OVER ? WorkerRuntime.Exit.STOPPED : WorkerRuntime.Exit.REFUSED);
            assertThat(o.reason()).contains(OPAQUE);
            assertThat(f.joined).hasValue(1);
        }
    }

    /** A join refused FULL (member cap, join rate) is retried with backoff, not taken as final. */
    @Test
    void aJoinRefusedFullIsRetried() throws Exception {
        try (FakeCoordinator f = new FakeCoordinator()) {
            f.joins = n -> n == 1 ? FakeCoordinator.refusal(Refusal.REFUSAL_FULL, OPAQUE) : FakeCoordinator.refusal(Refusal.REFUSAL_RUN_OVER, OPAQUE);
            WorkerRuntime.Outcome o = f.runWorker();
            assertThat(o.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED);
            assertThat(f.joined).hasValue(2);
            assertThat(f.log).anyMatch(l -> l.contains("not admitted yet: " + OPAQUE) && l.contains("retrying"));
        }
    }

    /** A coordinator that stays full past the reconnect timeout: the worker gives up, refused, saying so. */
    @Test
    void aCoordinatorThatStaysFullIsGivenUpOn() throws Exception {
        try (FakeCoordinator f = new FakeCoordinator()) {
            f.joins = n -> FakeCoordinator.refusal(Refusal.REFUSAL_FULL, OPAQUE);
            WorkerRuntime.Outcome o = f.runWorker();
            assertThat(o.exit()).isEqualTo(WorkerRuntime.Exit.REFUSED);
            assertThat(o.reason()).contains("stayed full").contains(OPAQUE);
            assertThat(f.joined.get()).isGreaterThan(1);
        }
    }

    /**
     * A refused push: NOT_A_MEMBER sends the worker to join again (the second join is then told the
     * run is over); any other code is logged and the worker stays, until the stop order ends it.
     */
    @ParameterizedTest
    @EnumSource(value = Refusal.class, names = {"UNRECOGNIZED", "REFUSAL_UNSPECIFIED"}, mode = EnumSource.Mode.EXCLUDE)
    void aRefusedPushIsActedOnByItsCode(Refusal code) throws Exception {
        try (FakeCoordinator f = new FakeCoordinator()) {
            f.joins = n -> n == 1 ? null : FakeCoordinator.refusal(Refusal.REFUSAL_RUN_OVER, OPAQUE);
            f.pushes = n -> {
                if (code != Refusal.REFUSAL_NOT_A_MEMBER) f.order(FakeCoordinator.stop());
                return PushReply.newBuilder().setAccepted(false).setRefusal(code).setReason(OPAQUE).build();
            };
            WorkerRuntime.Outcome o = f.runWorker();
            assertThat(o.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED);
            assertThat(f.pushed).hasValue(1);
            assertThat(f.joined).as("joins").hasValue(code == Refusal.REFUSAL_NOT_A_MEMBER ? 2 : 1);
            assertThat(f.log).anyMatch(l -> l.contains("rejected: " + OPAQUE));
            assertThat(f.headers).extracting(DeltaHeader::getAssignment).containsExactly(FakeCoordinator.ASSIGNMENT);
        }
    }

    /**
     * A push refused as a replay or as implausible: the worker logs it and waits for its next order,
     * whose assignment its next push then answers (it never re-sends the refused one).
     */
    @ParameterizedTest
    @EnumSource(value = Refusal.class, names = {"REFUSAL_REPLAY", "REFUSAL_IMPLAUSIBLE"})
    void afterAReplayOrImplausibleRefusalTheNextPushAnswersTheNextOrder(Refusal code) throws Exception {
        try (FakeCoordinator f = new FakeCoordinator()) {
            f.pushes = n -> {
                f.order(n == 1 ? f.train(FakeCoordinator.ASSIGNMENT + 1) : FakeCoordinator.stop());
                return n == 1 ? PushReply.newBuilder().setAccepted(false).setRefusal(code).setReason(OPAQUE).build()
                        : PushReply.newBuilder().setAccepted(true).setApplied(true).build();
            };
            WorkerRuntime.Outcome o = f.runWorker();
            assertThat(o.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED);
            assertThat(f.joined).hasValue(1);
            assertThat(f.headers).extracting(DeltaHeader::getAssignment).containsExactly(FakeCoordinator.ASSIGNMENT, FakeCoordinator.ASSIGNMENT + 1);
            assertThat(f.log).anyMatch(l -> l.contains("rejected: " + OPAQUE));
        }
    }

    /** A heartbeat answered NOT_A_MEMBER: the session is gone, the worker joins again. */
    @Test
    void aHeartbeatOfAnUnknownSessionMakesTheWorkerRejoin() throws Exception {
        try (FakeCoordinator f = new FakeCoordinator()) {
            f.assign = false;
            f.heartbeat = HeartbeatReply.newBuilder().setKnown(false).setRefusal(Refusal.REFUSAL_NOT_A_MEMBER).setReason(OPAQUE).build();
            f.joins = n -> n == 1 ? null : FakeCoordinator.refusal(Refusal.REFUSAL_RUN_OVER, OPAQUE);
            assertThat(f.runWorker().exit()).isEqualTo(WorkerRuntime.Exit.STOPPED);
            assertThat(f.joined).hasValue(2);
            assertThat(f.log).anyMatch(l -> l.contains("rejoining") && l.contains(OPAQUE));
        }
    }

    /** Notices on the order stream: a reject is logged, an eviction makes the worker rejoin, a stop ends it. */
    @Test
    void noticesAreActedOnByTheirKind() throws Exception {
        try (FakeCoordinator f = new FakeCoordinator()) {
            f.assign = false;
            f.joins = n -> {
                if (n == 1) {
                    new Thread(() -> {
                        pause();
                        f.order(Order.newBuilder().setReject(Notice.newBuilder().setReason(OPAQUE).setRefusal(Refusal.REFUSAL_MALFORMED)));
                        f.order(Order.newBuilder().setEvict(Notice.newBuilder().setReason(OPAQUE).setRefusal(Refusal.REFUSAL_NOT_A_MEMBER)));
                    }).start();
                } else {
                    new Thread(() -> {
                        pause();
                        f.order(FakeCoordinator.stop());
                    }).start();
                }
                return null;
            };
            WorkerRuntime.Outcome o = f.runWorker();
            assertThat(o.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED);
            assertThat(f.joined).hasValue(2);
            assertThat(f.log).anyMatch(l -> l.contains("coordinator rejected a message: " + OPAQUE));
            assertThat(f.log).anyMatch(l -> l.contains("rejoining: evicted: " + OPAQUE));
        }
    }

    /** Lets the worker subscribe before an order is sent on its stream. */
    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
