package org.diloco4j.net.worker;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import org.diloco4j.net.proto.DeltaChunk;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.PushReply;

/**
 * One client-streamed {@code PushDelta}: the header, then the encoded pseudo-gradient in chunks of
 * at most {@code chunk} bytes, sent only while the stream is ready (flow control), so a slow link
 * never makes gRPC buffer the whole model. The coordinator's reply completes {@link #result()}.
 */
public final class DeltaUpload implements ClientResponseObserver<DeltaChunk, PushReply> {
    private final DeltaHeader header;
    private final byte[] data;
    private final int chunk;
    private final CompletableFuture<PushReply> result = new CompletableFuture<>();
    private ClientCallStreamObserver<DeltaChunk> req;
    private int pos = -1;      // -1: the header is not sent yet
    private boolean done;

    public DeltaUpload(DeltaHeader header, byte[] data, int chunk) {
        if (chunk <= 0) throw new IllegalArgumentException("chunk size " + chunk + " must be > 0");
        this.header = header;
        this.data = data;
        this.chunk = chunk;
    }

    /** The coordinator's reply, or the call's failure. */
    public CompletableFuture<PushReply> result() {
        return result;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<DeltaChunk> r) {
        req = r;
        r.setOnReadyHandler(this::drain);
    }

    private synchronized void drain() {
        while (!done && !result.isDone() && req.isReady()) {
            if (pos < 0) {
                req.onNext(DeltaChunk.newBuilder().setHeader(header).build());
                pos = 0;
            } else if (pos >= data.length) {
                done = true;
                req.onCompleted();
            } else {
                int n = Math.min(chunk, data.length - pos);
                req.onNext(DeltaChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(data, pos, n)).build());
                pos += n;
            }
        }
    }

    @Override
    public void onNext(PushReply r) {
        result.complete(r);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        if (!result.isDone()) result.completeExceptionally(Status.INTERNAL.withDescription("push ended without a reply").asRuntimeException());
    }
}
