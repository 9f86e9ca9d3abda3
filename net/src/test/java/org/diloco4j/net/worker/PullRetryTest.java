package org.diloco4j.net.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.diloco4j.net.proto.PullRequest;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.ThetaRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The pull's retry rule, status by status, and what the pull does with it against a scripted coordinator. */
class PullRetryTest {
    /** The rule for an order of one exact snapshot, written out status by status. */
    private static final Map<Status.Code, PullRetry> EXACT = new EnumMap<>(Map.ofEntries(
            Map.entry(Status.Code.OK, PullRetry.RESUME),
            Map.entry(Status.Code.CANCELLED, PullRetry.RESUME),
            Map.entry(Status.Code.UNKNOWN, PullRetry.RESUME),
            Map.entry(Status.Code.INVALID_ARGUMENT, PullRetry.GIVE_UP),
            Map.entry(Status.Code.DEADLINE_EXCEEDED, PullRetry.RESUME),
            Map.entry(Status.Code.NOT_FOUND, PullRetry.GIVE_UP),
            Map.entry(Status.Code.ALREADY_EXISTS, PullRetry.RESUME),
            Map.entry(Status.Code.PERMISSION_DENIED, PullRetry.GIVE_UP),
            Map.entry(Status.Code.RESOURCE_EXHAUSTED, PullRetry.RESUME),
            Map.entry(Status.Code.FAILED_PRECONDITION, PullRetry.GIVE_UP),
            Map.entry(Status.Code.ABORTED, PullRetry.GIVE_UP),
            Map.entry(Status.Code.OUT_OF_RANGE, PullRetry.RESTART),
            Map.entry(Status.Code.UNIMPLEMENTED, PullRetry.GIVE_UP),
            Map.entry(Status.Code.INTERNAL, PullRetry.RESUME),
            Map.entry(Status.Code.UNAVAILABLE, PullRetry.RESUME),
            Map.entry(Status.Code.DATA_LOSS, PullRetry.RESTART),
            Map.entry(Status.Code.UNAUTHENTICATED, PullRetry.GIVE_UP)));

    private final NewestPullTest coordinator = new NewestPullTest();

    @AfterEach
    void close() {
        coordinator.close();
    }

    @ParameterizedTest
    @EnumSource(Status.Code.class)
    void eachStatusHasItsRule(Status.Code code) {
        assertThat(EXACT).as("the table lists every status").containsKey(code);
        assertThat(PullRetry.of(code, false)).isEqualTo(EXACT.get(code));
        // A newest-θ order differs only where its snapshot is gone: it pulls the newest θ again.
        assertThat(PullRetry.of(code, true)).isEqualTo(code == Status.Code.ABORTED ? PullRetry.NEWEST : EXACT.get(code));
    }

    @Test
    void onlyAFailedTransferReconnects() {
        assertThat(PullRetry.RESUME.reconnect).isTrue();
        assertThat(PullRetry.RESTART.reconnect).isTrue();
        assertThat(PullRetry.NEWEST.reconnect).as("the coordinator answered: the connection is fine").isFalse();
    }

    /** An exact snapshot the coordinator no longer keeps ends the pull at once, as NOT_FOUND does (it was asked 5 times). */
    @Test
    void aGoneExactSnapshotIsNotAskedForAgain() throws Exception {
        coordinator.serve((n, out) -> out.onError(Status.ABORTED.withDescription("θ snapshot 9 is no longer kept").asRuntimeException()));
        assertThatThrownBy(() -> coordinator.client.pull(SessionRef.getDefaultInstance(), exact(), 5))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
        assertThat(coordinator.requests).hasSize(1);
    }

    /** A refused credential ends the pull at once, as a refused join does (it was asked 5 times). */
    @Test
    void aRefusedCredentialIsNotTriedAgain() throws Exception {
        coordinator.serve((n, out) -> out.onError(Status.PERMISSION_DENIED.asRuntimeException()));
        assertThatThrownBy(() -> coordinator.client.pull(SessionRef.getDefaultInstance(), exact(), 5)).isInstanceOf(StatusRuntimeException.class);
        assertThat(coordinator.requests).hasSize(1);
    }

    /** An offset the snapshot does not have is not asked for again: the pull starts over (it was asked from the same offset 5 times). */
    @Test
    void anOffsetOutOfRangeStartsThePullOver() throws Exception {
        byte[] v2 = NewestPullTest.bytes(2);
        coordinator.serve((n, out) -> {
            switch (n) {
                case 0 -> {
                    out.onNext(NewestPullTest.chunk(v2, 0, 1000, 2, 0));
                    out.onError(Status.UNAVAILABLE.asRuntimeException());
                }
                case 1 -> out.onError(Status.OUT_OF_RANGE.withDescription("offset 1000 beyond the bytes of θ 9").asRuntimeException());
                default -> {
                    out.onNext(NewestPullTest.chunk(v2, 0, NewestPullTest.BYTES, 2, 0));
                    out.onCompleted();
                }
            }
        });
        assertThat(coordinator.client.pull(SessionRef.getDefaultInstance(), exact(), 5).bytes()).isEqualTo(v2);
        assertThat(coordinator.requests).extracting(PullRequest::getThetaId, PullRequest::getOffset)
                .containsExactly(tuple(9L, 0L), tuple(9L, 1000L), tuple(9L, 0L));
    }

    private static ThetaRef exact() {
        return ThetaRef.newBuilder().setId(9).setFragment(-1).setVersion(2).setFloats(NewestPullTest.BYTES / 2)
                .setEncodedBytes(NewestPullTest.BYTES).build();
    }
}
