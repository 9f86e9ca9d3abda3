package org.diloco4j.net.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.auth.TokenHeader;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.worker.DeltaUpload;
import org.diloco4j.net.proto.DilocoGrpc;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PullRequest;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.SubscribeRequest;
import org.diloco4j.net.proto.ThetaChunk;
import org.diloco4j.net.proto.ThetaRef;
import org.diloco4j.net.wire.Limits;

import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The load side of {@link CoordinatorThroughputBench}: N protocol-speaking workers (threads, one
 * channel each) that do no training. Each takes its train order, pulls θ in full, and pushes the
 * same pre-encoded pseudo-gradient back at once, so the coordinator is the bottleneck. The pulled θ
 * is read chunk by chunk and dropped, so the load JVM holds one encoded pseudo-gradient, not N.
 * With a {@link PullRate} other than every order, a worker pulls θ on its first order and then only
 * on every k-th (or never again), pushing from the version its order names: the coordinator's CPU
 * is then (mostly) the push path's.
 *
 * <p>Args: host port workers params codec chunkBytes [pullEvery]; the token comes in $DILOCO_TOKEN.
 */
public final class BenchWorkers {
    private BenchWorkers() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int workers = Integer.parseInt(args[2]);
        int params = Integer.parseInt(args[3]);
        String codec = args[4];
        int chunk = Integer.parseInt(args[5]);
        PullRate pulls = args.length > 6 ? PullRate.parse(args[6]) : PullRate.EVERY_ORDER;
        Token token = Token.of(System.getenv("DILOCO_TOKEN"));
        // One pre-encoded pseudo-gradient shared by every worker, made without the fp32 vector at large sizes.
        byte[] payload = Tiled.encoded(Codecs.parse(codec), params, 1e-5, 5, Tiled.PERIOD);
        CountDownLatch done = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try {
                    run(host, port, token, "bench" + id, payload, codec, chunk, pulls);
                } catch (Exception e) {
                    System.err.println("bench" + id + ": " + e);
                } finally {
                    done.countDown();
                }
            }, "bench-worker-" + i);
            t.start();
        }
        done.await();
    }

    private static void run(String host, int port, Token token, String name, byte[] payload, String codec, int chunk, PullRate pulls)
            throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext().maxInboundMessageSize((16 << 20) + (64 << 10))
                .intercept(TokenHeader.interceptor(token)).build();
        try {
            DilocoGrpc.DilocoBlockingStub blocking = DilocoGrpc.newBlockingStub(ch);
            DilocoGrpc.DilocoStub async = DilocoGrpc.newStub(ch);
            JoinReply joined = blocking.join(JoinRequest.newBuilder().setName(name).setShard(-1).setInstance(UUID.randomUUID().toString())
                    .setProtocol(Limits.PROTOCOL).build());
            if (!joined.getAdmitted()) throw new IllegalStateException("not admitted: " + joined.getReason());
            LinkedBlockingQueue<Order> orders = new LinkedBlockingQueue<>();
            async.subscribe(SubscribeRequest.newBuilder().setSession(joined.getSession()).build(), new StreamObserver<>() {
                @Override
                public void onNext(Order o) {
                    orders.add(o);
                }

                @Override
                public void onError(Throwable t) {
                    orders.add(Order.newBuilder().setStop(org.diloco4j.net.proto.Notice.newBuilder().setReason("stream: " + t)).build());
                }

                @Override
                public void onCompleted() {
                    orders.add(Order.newBuilder().setStop(org.diloco4j.net.proto.Notice.newBuilder().setReason("stream ended")).build());
                }
            });
            CRC32C crc = new CRC32C();
            crc.update(payload);
            long pushId = 0;
            long trained = 0;
            while (true) {
                Order o = orders.take();
                if (o.hasStop()) return;
                if (!o.hasTrain()) continue;
                // Not pulling, a worker claims the version its order names (the coordinator's when it gave the order).
                long served = pulls.pulls(trained++) ? pull(blocking, joined.getSession(), o.getTrain().getTheta()) : o.getTrain().getTheta().getVersion();
                if (served < 0) continue; // the snapshot went away twice: the next order names a newer θ
                DeltaHeader h = DeltaHeader.newBuilder().setSession(joined.getSession()).setPushId(++pushId)
                        .setBaseVersion(served).setAssignment(o.getTrain().getAssignment()).setFragment(0).setSteps(o.getTrain().getSteps())
                        .setTokens(1000L * o.getTrain().getSteps()).setComputeSeconds(0.1 * o.getTrain().getSteps()).setCodec(codec)
                        .setSize(payload.length).setCrc32C((int) crc.getValue()).setTrainLoss(Double.NaN).build();
                PushReply reply = push(async, h, payload, chunk);
                if (!reply.getAccepted() && !reply.getReason().contains("run is over")) System.err.println(name + ": rejected: " + reply.getReason());
            }
        } finally {
            ch.shutdownNow();
        }
    }

    /**
     * Pulls θ in full, dropping each chunk as it arrives, and returns the version served: a newest-θ
     * order (protocol 5) learns it from the first chunk and pushes from it. A snapshot gone before it
     * was read (ABORTED) is pulled again from the start, once; -1 if that fails too.
     */
    private static long pull(DilocoGrpc.DilocoBlockingStub blocking, SessionRef session, ThetaRef ref) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Iterator<ThetaChunk> it = blocking.withDeadlineAfter(10, TimeUnit.MINUTES).pullTheta(PullRequest.newBuilder()
                        .setSession(session).setThetaId(ref.getNewest() ? 0 : ref.getId()).build());
                long version = ref.getVersion();
                for (boolean first = true; it.hasNext(); first = false) {
                    ThetaChunk c = it.next();
                    if (first && ref.getNewest()) version = c.getVersion();
                }
                return version;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.ABORTED || !ref.getNewest()) throw e;
            }
        }
        return -1;
    }

    static PushReply push(DilocoGrpc.DilocoStub async, DeltaHeader header, byte[] data, int chunk) throws Exception {
        DeltaUpload upload = new DeltaUpload(header, data, chunk);
        async.withDeadlineAfter(10, TimeUnit.MINUTES).pushDelta(upload);
        return upload.result().get();
    }
}
