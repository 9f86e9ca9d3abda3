package org.diloco4j.net.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import org.diloco4j.net.proto.DeltaChunk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a push's messages without copying their data: a data chunk's bytes stay in the transport's
 * (Netty's) buffers, which the parsed message refers to until {@link #release} gives them back, so
 * the coordinator copies each byte of a push once, from the wire's buffers to where it waits (the
 * spool's memory or its file). gRPC's own marshaller copies each byte twice before that: into a
 * per-thread array to parse from, then into the message's own array. Where the transport cannot
 * lend its buffers (in-process calls, compressed messages), and for every message but a data chunk
 * (a header's fields outlive the call that carried it), messages are parsed, and copied, as gRPC does.
 *
 * <p>Whoever receives a message from a call using this marshaller must {@link #release} it once
 * done with it (the service does, after each {@code onNext}); until then its buffers count against
 * Netty's pool.
 */
public final class DeltaChunkMarshaller implements MethodDescriptor.PrototypeMarshaller<DeltaChunk> {
    private final MethodDescriptor.PrototypeMarshaller<DeltaChunk> copying =
            (MethodDescriptor.PrototypeMarshaller<DeltaChunk>) ProtoUtils.marshaller(DeltaChunk.getDefaultInstance());
    /** Parsed data chunks and the detached streams that own the buffers their data lies in. */
    private final Map<DeltaChunk, InputStream> lent = new IdentityHashMap<>();

    @Override
    public Class<DeltaChunk> getMessageClass() {
        return DeltaChunk.class;
    }

    @Override
    public DeltaChunk getMessagePrototype() {
        return DeltaChunk.getDefaultInstance();
    }

    @Override
    public InputStream stream(DeltaChunk value) {
        return copying.stream(value);
    }

    @Override
    public DeltaChunk parse(InputStream stream) {
        if (!(stream instanceof Detachable d && stream instanceof HasByteBuffer h && stream instanceof KnownLength && h.byteBufferSupported())) {
            return copying.parse(stream);
        }
        InputStream detached = d.detach();
        try {
            int size = detached.available();
            // Marked, the stream keeps the buffers it skips past (unmarked, it gives each back to Netty's pool once read).
            detached.mark(size);
            List<ByteString> pieces = new ArrayList<>();
            while (detached.available() > 0) {
                ByteBuffer b = ((HasByteBuffer) detached).getByteBuffer();
                pieces.add(UnsafeByteOperations.unsafeWrap(b));
                detached.skip(b.remaining());
            }
            detached.reset();
            // Concatenated, not copied (a rope of the transport's buffers); parsed with aliasing, so the data field is a view of them.
            CodedInputStream in = ByteString.copyFrom(pieces).newCodedInput();
            in.enableAliasing(true);
            DeltaChunk c = DeltaChunk.parseFrom(in, ExtensionRegistryLite.getEmptyRegistry());
            in.checkLastTagWas(0);
            if (c.getPartCase() != DeltaChunk.PartCase.DATA) {
                // Its fields (a header's session key) would be views of buffers given back below: a copy owns them.
                return DeltaChunk.parseFrom(c.toByteString());
            }
            synchronized (lent) {
                lent.put(c, detached);
            }
            detached = null;
            return c;
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("invalid push message: " + e.getMessage()).withCause(e).asRuntimeException();
        } finally {
            if (detached != null) close(detached);
        }
    }

    /**
     * Gives back the transport's buffers that {@code c}'s data lies in (if it was parsed without a
     * copy): its data must not be read after this. Does nothing for any other message, or a second time.
     */
    public void release(DeltaChunk c) {
        InputStream s;
        synchronized (lent) {
            s = lent.remove(c);
        }
        if (s != null) close(s);
    }

    /** How many parsed messages still hold transport buffers (for tests). */
    public int lent() {
        synchronized (lent) {
            return lent.size();
        }
    }

    private static void close(InputStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing a transport buffer's stream gives the buffer back; it has nothing to report.
        }
    }
}
