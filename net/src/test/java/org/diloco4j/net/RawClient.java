package org.diloco4j.net;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.auth.TokenHeader;
import org.diloco4j.net.proto.DeltaChunk;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.DilocoGrpc;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.SubscribeRequest;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/** A hand-driven client that can send what a well-behaved worker never would. */
final class RawClient implements AutoCloseable {
    final ManagedChannel channel;
    final DilocoGrpc.DilocoBlockingStub blocking;
    final DilocoGrpc.DilocoStub async;
    final LinkedBlockingQueue<Order> orders = new LinkedBlockingQueue<>();
    JoinReply joined;
    private long pushId;
    /** The assignment of the latest train order taken from {@link #orders}; 0 before the first. */
    long assignment;

    RawClient(String inProcessName, Token token) {
        this.channel = InProcessChannelBuilder.forName(inProcessName).intercept(TokenHeader.interceptor(token)).build();
        this.blocking = DilocoGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        this.async = DilocoGrpc.newStub(channel);
    }

    JoinReply join(String name, int shard) {
        return join(name, shard, org.diloco4j.net.wire.Limits.PROTOCOL);
    }

    /** Joins speaking protocol version {@code protocol}, and subscribes if admitted. */
    JoinReply join(String name, int shard, int protocol) {
        joined = blocking.join(JoinRequest.newBuilder().setName(name).setShard(shard).setInstance(UUID.randomUUID().toString())
                .setProtocol(protocol).build());
        if (joined.getAdmitted()) {
            async.subscribe(SubscribeRequest.newBuilder().setSession(joined.getSession()).build(), new StreamObserver<>() {
                @Override
                public void onNext(Order o) {
                    orders.add(o);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
        }
        return joined;
    }

    Order nextOrder() throws InterruptedException {
        Order o = orders.poll(10, TimeUnit.SECONDS);
        if (o == null) throw new AssertionError("no order within 10 s");
        if (o.hasTrain()) assignment = o.getTrain().getAssignment();
        return o;
    }

    /** Takes orders up to the next train order and returns it (its assignment is then what headers answer). */
    org.diloco4j.net.proto.TrainOrder nextTrain() throws InterruptedException {
        while (true) {
            Order o = nextOrder();
            if (o.hasTrain()) return o.getTrain();
        }
    }

    /**
     * A header of a push answering the latest train order taken (the first one is waited for): a
     * refusal that answers it (any but a replay, busy or not-a-member) must be followed by
     * {@link #nextTrain} before the next push, or that push is a replay.
     */
    DeltaHeader.Builder header(long base, byte[] data, String codec) {
        if (assignment == 0) {
            try {
                nextTrain();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(data);
        return DeltaHeader.newBuilder().setSession(joined.getSession()).setPushId(++pushId).setAssignment(assignment).setBaseVersion(base).setFragment(0)
                .setSteps(10).setTokens(160).setComputeSeconds(0.01).setCodec(codec).setSize(data.length)
                .setCrc32C((int) crc.getValue()).setTrainLoss(Double.NaN);
    }

    /** Sends a header and these data chunks, then completes (or cancels, to vanish mid-push). */
    PushReply push(DeltaHeader h, byte[][] chunks, boolean vanish) throws Exception {
        return push(h, chunks, vanish, () -> { });
    }

    /** As {@link #push(DeltaHeader, byte[][], boolean)}; a vanishing push waits for {@code received} before it cancels. */
    PushReply push(DeltaHeader h, byte[][] chunks, boolean vanish, ThrowingRunnable received) throws Exception {
        CompletableFuture<PushReply> reply = new CompletableFuture<>();
        CompletableFuture<ClientCallStreamObserver<DeltaChunk>> req = new CompletableFuture<>();
        StreamObserver<DeltaChunk> s = async.pushDelta(new ClientResponseObserver<DeltaChunk, PushReply>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<DeltaChunk> r) {
                req.complete(r);
            }

            @Override
            public void onNext(PushReply r) {
                reply.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                reply.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        s.onNext(DeltaChunk.newBuilder().setHeader(h).build());
        for (byte[] c : chunks) s.onNext(DeltaChunk.newBuilder().setData(ByteString.copyFrom(c)).build());
        if (vanish) {
            received.run();
            req.get().cancel("worker vanished", null);
            return null;
        }
        s.onCompleted();
        return reply.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
