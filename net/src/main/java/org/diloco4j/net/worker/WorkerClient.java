package org.diloco4j.net.worker;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.auth.TokenHeader;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.DilocoGrpc;
import org.diloco4j.net.proto.HeartbeatReply;
import org.diloco4j.net.proto.HeartbeatRequest;
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
import org.diloco4j.net.wire.WireCounter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * A worker's connection to the coordinator: one channel (token on every call, bytes counted) and
 * the protocol's calls. θ is pulled and pseudo-gradients pushed in chunks, with flow control.
 */
public final class WorkerClient implements AutoCloseable {
    private static final long CALL_SECONDS = 30;

    private final ManagedChannel channel;
    private final DilocoGrpc.DilocoBlockingStub blocking;
    private final DilocoGrpc.DilocoStub async;
    private final WireCounter wire;
    /** How this client connects, to explain failures; null when made over a builder from elsewhere. */
    private final Fault.Setup setup;

    private WorkerClient(ManagedChannel channel, WireCounter wire, Fault.Setup setup) {
        this.channel = channel;
        this.wire = wire;
        this.setup = setup;
        this.blocking = DilocoGrpc.newBlockingStub(channel);
        this.async = DilocoGrpc.newStub(channel);
    }

    /**
     * Connects to {@code host:port}.
     *
     * @param tls   use TLS
     * @param tlsCa PEM file of the CA (or self-signed certificate) to trust; null for the system's trust store
     */
    public static WorkerClient connect(String target, Token token, boolean tls, Path tlsCa) throws IOException {
        ChannelCredentials creds = !tls ? InsecureChannelCredentials.create()
                : tlsCa == null ? TlsChannelCredentials.create() : TlsChannelCredentials.newBuilder().trustManager(tlsCa.toFile()).build();
        return over(Grpc.newChannelBuilder(target, creds).keepAliveTime(30, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true), token, new Fault.Setup(target, tls, tlsCa));
    }

    /** A client on a channel builder made elsewhere (in-process in tests); adds the token and the counter. */
    public static WorkerClient over(ManagedChannelBuilder<?> builder, Token token) {
        return over(builder, token, null);
    }

    private static WorkerClient over(ManagedChannelBuilder<?> builder, Token token, Fault.Setup setup) {
        WireCounter wire = new WireCounter();
        ManagedChannel ch = builder.maxInboundMessageSize(Limits.MAX_INBOUND_BYTES).intercept(TokenHeader.interceptor(token), wire.clientInterceptor()).build();
        return new WorkerClient(ch, wire, setup);
    }

    /** What is wrong, if {@code e} is a failure to connect that retrying cannot mend (TLS on one end only, a certificate refused). */
    Optional<Fault> fault(StatusRuntimeException e) {
        return Fault.of(e, setup != null ? setup : new Fault.Setup(channel.authority(), false, null));
    }

    /** Bytes this worker counted on the wire, per method. */
    public WireCounter wire() {
        return wire;
    }

    /**
     * Makes the channel try to connect again now. gRPC backs off reconnecting by itself (up to two
     * minutes) and fails calls fast meanwhile; the worker paces its own retries, so a coordinator
     * that is back must be found at the next one.
     */
    void reconnectNow() {
        channel.resetConnectBackoff();
    }

    JoinReply join(JoinRequest r) {
        return blocking.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS).join(r);
    }

    HeartbeatReply heartbeat(HeartbeatRequest r, double timeoutSeconds) {
        return blocking.withDeadlineAfter((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS).heartbeat(r);
    }

    void leave(SessionRef s) {
        blocking.withDeadlineAfter(5, TimeUnit.SECONDS).leave(s);
    }

    void subscribe(SessionRef s, long afterSeq, StreamObserver<Order> orders) {
        async.subscribe(SubscribeRequest.newBuilder().setSession(s).setAfterSeq(afterSeq).build(), orders);
    }

    /** An encoded θ as pulled, and the version of θ it holds (the one served, for a newest-θ order). */
    record Pulled(long version, byte[] bytes) {
    }

    /**
     * Pulls an encoded θ, resuming from where a broken transfer stopped (up to {@code attempts}
     * tries), and checks offsets, length and CRC32C. A newest-θ order ({@link ThetaRef#getNewest()})
     * learns from the first chunk which snapshot and version it is being served, and resumes that
     * snapshot; if the coordinator no longer keeps it (ABORTED), it pulls the newest θ again from the start.
     * Which failure does what is {@link PullRetry}'s rule.
     *
     * @throws StatusRuntimeException if the coordinator no longer has it, or the transfer keeps failing
     */
    Pulled pull(SessionRef s, ThetaRef ref, int attempts) {
        if (ref.getEncodedBytes() < 0 || ref.getEncodedBytes() > Integer.MAX_VALUE - 16) {
            throw Status.INVALID_ARGUMENT.withDescription("θ " + ref.getId() + " of " + ref.getEncodedBytes() + " bytes").asRuntimeException();
        }
        byte[] out = new byte[(int) ref.getEncodedBytes()];
        int pos = 0;
        long snapshot = ref.getNewest() ? 0 : ref.getId();
        long version = ref.getVersion();
        StatusRuntimeException last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            try {
                long seconds = CALL_SECONDS + out.length / (1 << 20);
                Iterator<ThetaChunk> it = blocking.withDeadlineAfter(seconds, TimeUnit.SECONDS)
                        .pullTheta(PullRequest.newBuilder().setSession(s).setThetaId(snapshot).setOffset(pos).build());
                boolean first = true;
                while (it.hasNext()) {
                    ThetaChunk c = it.next();
                    if (first && snapshot == 0) {
                        if (c.getSnapshot() <= 0 || c.getVersion() < ref.getVersion()) {
                            throw Status.DATA_LOSS.withDescription("served snapshot " + c.getSnapshot() + " of θ v" + c.getVersion()
                                    + " for an order of v" + ref.getVersion()).asRuntimeException();
                        }
                        snapshot = c.getSnapshot();
                        version = c.getVersion();
                    }
                    first = false;
                    int n = c.getData().size();
                    if (c.getOffset() != pos || n > out.length - pos) {
                        throw Status.DATA_LOSS.withDescription("chunk at offset " + c.getOffset() + " of " + n + " bytes; expected offset " + pos
                                + " within " + out.length).asRuntimeException();
                    }
                    c.getData().copyTo(out, pos);
                    pos += n;
                    if (c.getLast()) {
                        if (pos != out.length) throw Status.DATA_LOSS.withDescription("θ ended at " + pos + " of " + out.length + " bytes").asRuntimeException();
                        CRC32C crc = new CRC32C();
                        crc.update(out);
                        if ((int) crc.getValue() != c.getCrc32C()) throw Status.DATA_LOSS.withDescription("θ failed its CRC32C check").asRuntimeException();
                        return new Pulled(version, out);
                    }
                }
                throw Status.DATA_LOSS.withDescription("θ stream ended without its last chunk").asRuntimeException();
            } catch (StatusRuntimeException e) {
                PullRetry next = PullRetry.of(e.getStatus().getCode(), ref.getNewest());
                switch (next) {
                    case GIVE_UP -> throw e;
                    case RESUME -> { }
                    case RESTART -> pos = 0;
                    case NEWEST -> {
                        pos = 0;
                        snapshot = 0;
                    }
                }
                last = e;
                if (next.reconnect) reconnectNow();
            }
        }
        throw last;
    }

    /**
     * Pushes one pseudo-gradient: the header, then chunks as fast as the coordinator takes them.
     * Returns its reply (applied, rejected or refused, with the reason).
     *
     * @throws StatusRuntimeException if the transfer failed (nothing was applied; it may be retried with the same push id)
     */
    PushReply push(DeltaHeader header, byte[] data, int chunk) throws InterruptedException {
        DeltaUpload obs = new DeltaUpload(header, data, chunk);
        long seconds = CALL_SECONDS + data.length / (1 << 20);
        async.withDeadlineAfter(seconds, TimeUnit.SECONDS).pushDelta(obs);
        try {
            return obs.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) throw s;
            throw Status.fromThrowable(e.getCause()).asRuntimeException();
        }
    }

    /** Drops the connection at once, calls in flight included: what a crashed worker looks like to the coordinator. */
    public void abort() {
        channel.shutdownNow();
    }

    /**
     * Ends the connection. The worker's calls are all synchronous except its order stream, which is
     * still open when it is done, so the channel is shut down at once rather than drained.
     */
    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
