package org.diloco4j.net;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.diloco4j.net.coord.SpoolOptions;
import org.diloco4j.net.proto.DeltaChunk;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.PushReply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Over the in-process transport, with an allowance so small that every upload spools: the spool's
 * troubles are the coordinator's. A spool it cannot write fails the push as UNAVAILABLE (the worker
 * retries it; its assignment is not used up), a spool file has no name while it is used (nothing
 * outlives a killed coordinator), nothing done to its path keeps a push from its reply, and a
 * spool directory of its own is cleared of what an earlier coordinator left.
 */
class SpoolTroubleTest {
    @TempDir
    Path tmp;
    Path spool;

    @BeforeEach
    void directory() {
        spool = tmp.resolve("spool");
    }

    ToyCluster cluster() throws Exception {
        return new ToyCluster(CutOffPushTest.asyncDn(), InProcessClusterTest.FAST.withSpool(SpoolOptions.in(spool, 16)), false, null);
    }

    @Test
    void aSpoolTheCoordinatorCannotWriteIsItsErrorAndTheRetryIsApplied() throws Exception {
        Files.writeString(spool, "a file where the spool directory should be");
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            byte[] g = CutOffPushTest.gradient(0);
            DeltaHeader h = w.header(0, g, "fp32").build();
            Throwable failed = catchThrowable(() -> w.push(h, new byte[][] {g}, false));
            assertThat(failed).as("a push the coordinator could not spool").isInstanceOf(ExecutionException.class);
            Status status = Status.fromThrowable(failed.getCause());
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getDescription()).contains("could not spool the upload to " + spool);
            assertThat(c.version()).isZero();

            Files.delete(spool);
            PushReply retried = w.push(h, new byte[][] {g}, false);
            assertThat(retried.getAccepted()).as(retried.getReason()).isTrue();
            assertThat(retried.getApplied()).as("the same push, retried, answers the assignment").isTrue();
            assertThat(c.version()).isEqualTo(1);
        }
    }

    @Test
    void aSpoolFileHasNoNameAndNothingDoneToItsPathKeepsThePushFromItsReply() throws Exception {
        try (ToyCluster c = cluster(); RawClient w = new RawClient(c.name, ToyCluster.TOKEN)) {
            w.join("w", 0);
            byte[] g = CutOffPushTest.gradient(0);
            CompletableFuture<PushReply> reply = new CompletableFuture<>();
            StreamObserver<DeltaChunk> s = w.async.pushDelta(new StreamObserver<>() {
                public void onNext(PushReply r) {
                    reply.complete(r);
                }

                public void onError(Throwable t) {
                    reply.completeExceptionally(t);
                }

                public void onCompleted() {
                }
            });
            s.onNext(DeltaChunk.newBuilder().setHeader(w.header(0, g, "fp32")).build());
            s.onNext(DeltaChunk.newBuilder().setData(ByteString.copyFrom(Arrays.copyOf(g, g.length / 2))).build());
            SpoolFiles.await(spool);
            int named = SpoolFiles.named(spool);
            // Whatever has a name there is made undeletable: a directory with something in it.
            try (var files = Files.newDirectoryStream(spool, "push-*.spool")) {
                for (Path f : files) {
                    Files.delete(f);
                    Files.createDirectory(f);
                    Files.writeString(f.resolve("keep"), "x");
                }
            }
            s.onNext(DeltaChunk.newBuilder().setData(ByteString.copyFrom(g, g.length / 2, g.length - g.length / 2)).build());
            s.onCompleted();
            PushReply r = reply.get(10, TimeUnit.SECONDS);
            assertThat(r.getAccepted()).as(r.getReason()).isTrue();
            assertThat(named).as("spool files with a name while the upload was spooled").isZero();
            SpoolFiles.awaitIdle(spool);

            // Its slot was given back: the next push goes through.
            w.nextTrain();
            byte[] next = CutOffPushTest.gradient(1);
            PushReply second = w.push(w.header(1, next, "fp32").build(), new byte[][] {next}, false);
            assertThat(second.getAccepted()).as(second.getReason()).isTrue();
        }
    }

    @Test
    void leftoverSpoolFilesInItsOwnDirectoryAreRemovedAtStart() throws Exception {
        Files.createDirectories(spool);
        Files.writeString(spool.resolve("push-123.spool"), "left by a coordinator killed mid-upload");
        Files.writeString(spool.resolve("notes.txt"), "not the coordinator's");
        try (ToyCluster c = cluster()) {
            assertThat(c.recorder.awaitLines(l -> l.contains("removed 1 spool file"), 10)).isNotEmpty();
            assertThat(SpoolFiles.named(spool)).isZero();
            assertThat(spool.resolve("notes.txt")).exists();
        }
    }
}
