package org.diloco4j.net.worker;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.proto.DilocoGrpc;
import org.diloco4j.net.proto.PullRequest;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.ThetaChunk;
import org.diloco4j.net.proto.ThetaRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's side of a newest-θ pull, against a scripted coordinator: it takes the version the
 * first chunk names, resumes a broken transfer of that snapshot from its offset, and pulls the newest
 * θ again from the start when the snapshot is gone (ABORTED).
 */
class NewestPullTest {
    static final int BYTES = 4096;
    static final Token TOKEN = Token.of("newest-pull-token-0123456789");
    final List<PullRequest> requests = new CopyOnWriteArrayList<>();
    Server server;
    WorkerClient client;

    static byte[] bytes(int seed) {
        byte[] b = new byte[BYTES];
        for (int i = 0; i < BYTES; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    static ThetaChunk chunk(byte[] b, int from, int to, long version, long snapshot) {
        ThetaChunk.Builder c = ThetaChunk.newBuilder().setOffset(from).setData(ByteString.copyFrom(b, from, to - from));
        if (snapshot > 0) c.setVersion(version).setSnapshot(snapshot);
        if (to == b.length) c.setLast(true).setCrc32C(crc(b));
        return c.build();
    }

    /** Serves pulls with {@code script}, which sees each request (numbered from 0) and answers it. */
    void serve(BiConsumer<Integer, StreamObserver<ThetaChunk>> script) throws Exception {
        String name = "newest-" + System.nanoTime();
        server = InProcessServerBuilder.forName(name).addService(new DilocoGrpc.DilocoImplBase() {
            @Override
            public void pullTheta(PullRequest req, StreamObserver<ThetaChunk> out) {
                requests.add(req);
                script.accept(requests.size() - 1, out);
            }
        }).build().start();
        client = WorkerClient.over(InProcessChannelBuilder.forName(name), TOKEN);
    }

    static ThetaRef newest(long version) {
        return ThetaRef.newBuilder().setId(0).setNewest(true).setFragment(-1).setVersion(version).setFloats(BYTES / 2).setEncodedBytes(BYTES)
                .setCodec("bf16").build();
    }

    @AfterEach
    void close() {
        if (client != null) client.close();
        if (server != null) server.shutdownNow();
    }

    @Test
    void theVersionServedIsTheOneTheWorkerHasAndABrokenPullResumesItsSnapshot() throws Exception {
        byte[] v5 = bytes(5);
        serve((n, out) -> {
            if (n == 0) {
                out.onNext(chunk(v5, 0, 1000, 5, 17));
                out.onError(Status.UNAVAILABLE.withDescription("link dropped").asRuntimeException());
            } else {
                out.onNext(chunk(v5, 1000, BYTES, 5, 17));
                out.onCompleted();
            }
        });
        WorkerClient.Pulled p = client.pull(SessionRef.getDefaultInstance(), newest(3), 5);
        assertThat(p.version()).isEqualTo(5);
        assertThat(p.bytes()).isEqualTo(v5);
        assertThat(requests).extracting(PullRequest::getThetaId, PullRequest::getOffset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 0L), org.assertj.core.groups.Tuple.tuple(17L, 1000L));
    }

    @Test
    void aGoneSnapshotIsPulledAgainAsTheNewestFromTheStart() throws Exception {
        byte[] v5 = bytes(5);
        byte[] v6 = bytes(6);
        serve((n, out) -> {
            switch (n) {
                case 0 -> {
                    out.onNext(chunk(v5, 0, 1000, 5, 17));
                    out.onError(Status.UNAVAILABLE.asRuntimeException());
                }
                case 1 -> out.onError(Status.ABORTED.withDescription("θ snapshot 17 is no longer kept").asRuntimeException());
                default -> {
                    out.onNext(chunk(v6, 0, 2000, 6, 18));
                    out.onNext(chunk(v6, 2000, BYTES, 0, 0));
                    out.onCompleted();
                }
            }
        });
        WorkerClient.Pulled p = client.pull(SessionRef.getDefaultInstance(), newest(3), 5);
        assertThat(p.version()).isEqualTo(6);
        assertThat(p.bytes()).isEqualTo(v6);
        assertThat(requests).extracting(PullRequest::getThetaId, PullRequest::getOffset).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0L, 0L), org.assertj.core.groups.Tuple.tuple(17L, 1000L),
                org.assertj.core.groups.Tuple.tuple(0L, 0L));
    }

    @Test
    void anExactOrderKeepsItsVersionAndAGoneSnapshotEndsThePull() throws Exception {
        byte[] v2 = bytes(2);
        serve((n, out) -> {
            if (n == 0) {
                out.onNext(chunk(v2, 0, BYTES, 2, 9));
                out.onCompleted();
            } else {
                out.onError(Status.NOT_FOUND.withDescription("θ 9 is no longer kept").asRuntimeException());
            }
        });
        ThetaRef exact = ThetaRef.newBuilder().setId(9).setFragment(-1).setVersion(2).setFloats(BYTES / 2).setEncodedBytes(BYTES).build();
        assertThat(client.pull(SessionRef.getDefaultInstance(), exact, 5).version()).isEqualTo(2);
        try {
            client.pull(SessionRef.getDefaultInstance(), exact, 5);
            throw new AssertionError("a gone exact snapshot was pulled");
        } catch (io.grpc.StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        }
    }
}
