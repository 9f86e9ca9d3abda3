package org.diloco4j.net.wire;

import com.google.protobuf.ByteString;
import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import org.diloco4j.net.proto.DeltaChunk;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.SessionRef;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeltaChunkMarshallerTest {
    /**
     * A message as Netty's gRPC transport hands it over: direct buffers it can lend ({@link HasByteBuffer}),
     * and give up to whoever detaches them ({@link Detachable}), whose close gives them back. As gRPC's
     * composite buffer does, it gives back (here: overwrites, as the pool's next read would) each buffer it has
     * read past, unless marked.
     */
    static final class Lent extends InputStream implements KnownLength, HasByteBuffer, Detachable {
        /** Every buffer, read or not. */
        final List<ByteBuffer> all;
        /** The first buffer not read to its end. */
        int at;
        /** Where each buffer's reading stood at the mark; null: not marked. */
        int[] marked;
        int closed;
        Lent detached;

        Lent(List<ByteBuffer> buffers) {
            this.all = List.copyOf(buffers);
        }

        /** {@code bytes} in direct buffers of {@code piece} bytes each (the last one shorter). */
        static Lent of(byte[] bytes, int piece) {
            List<ByteBuffer> l = new ArrayList<>();
            for (int p = 0; p < bytes.length; p += piece) {
                int n = Math.min(piece, bytes.length - p);
                l.add(ByteBuffer.allocateDirect(n).put(bytes, p, n).flip());
            }
            return new Lent(l);
        }

        private ByteBuffer head() {
            while (at < all.size() && !all.get(at).hasRemaining()) {
                if (marked == null) for (int i = 0; i < all.get(at).limit(); i++) all.get(at).put(i, (byte) 0x7f);
                at++;
            }
            return at < all.size() ? all.get(at) : null;
        }

        @Override
        public int read() {
            ByteBuffer b = head();
            return b == null ? -1 : b.get() & 0xff;
        }

        @Override
        public int available() {
            return all.stream().mapToInt(ByteBuffer::remaining).sum();
        }

        @Override
        public long skip(long n) {
            long left = n;
            for (ByteBuffer b = head(); b != null && left > 0; b = head()) {
                int k = (int) Math.min(left, b.remaining());
                b.position(b.position() + k);
                left -= k;
            }
            return n - left;
        }

        @Override
        public boolean markSupported() {
            return true;
        }

        @Override
        public void mark(int limit) {
            marked = all.stream().mapToInt(ByteBuffer::position).toArray();
        }

        @Override
        public void reset() {
            for (int i = 0; i < all.size(); i++) all.get(i).position(marked[i]);
            at = 0;
        }

        @Override
        public boolean byteBufferSupported() {
            return true;
        }

        @Override
        public ByteBuffer getByteBuffer() {
            ByteBuffer b = head();
            return b == null ? null : b.duplicate();
        }

        @Override
        public InputStream detach() {
            detached = new Lent(all.subList(at, all.size()));
            at = all.size();
            return detached;
        }

        @Override
        public void close() {
            closed++;
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] wire(DeltaChunk c) {
        return c.toByteArray();
    }

    /** A data chunk spread over several of the transport's buffers is parsed as gRPC's marshaller parses it, its data a view of them. */
    @Test
    void aDataChunkIsAViewOfTheTransportsBuffersUntilReleased() {
        byte[] data = bytes(300_000, 1);
        DeltaChunk sent = DeltaChunk.newBuilder().setData(ByteString.copyFrom(data)).build();
        Lent in = Lent.of(wire(sent), 65_536);
        DeltaChunkMarshaller m = new DeltaChunkMarshaller();

        DeltaChunk got = m.parse(in);

        assertThat(got).isEqualTo(ProtoUtils.marshaller(DeltaChunk.getDefaultInstance()).parse(new ByteArrayInputStream(wire(sent))));
        assertThat(m.lent()).isEqualTo(1);
        // Not a copy: a byte changed in the transport's buffer shows in the parsed data (gRPC's marshaller copies it away).
        ByteBuffer last = in.all.getLast();
        byte before = got.getData().byteAt(data.length - 1);
        last.put(last.limit() - 1, (byte) ~before);
        assertThat(got.getData().byteAt(data.length - 1)).isEqualTo((byte) ~before);
        assertThat(in.detached.closed).as("the buffers stay lent until released").isZero();

        m.release(got);
        assertThat(in.detached.closed).isEqualTo(1);
        assertThat(m.lent()).isZero();
        m.release(got);
        assertThat(in.detached.closed).as("a second release does nothing").isEqualTo(1);
    }

    /** A header outlives its message (the upload keeps it): it is a copy, and the transport's buffers go back at once. */
    @Test
    void aHeaderOwnsItsBytes() {
        byte[] key = bytes(32, 2);
        DeltaChunk sent = DeltaChunk.newBuilder().setHeader(DeltaHeader.newBuilder().setSession(SessionRef.newBuilder().setMember(3)
                .setKey(ByteString.copyFrom(key))).setPushId(9).setSize(1234)).build();
        Lent in = Lent.of(wire(sent), 16);
        DeltaChunkMarshaller m = new DeltaChunkMarshaller();

        DeltaChunk got = m.parse(in);

        assertThat(got).isEqualTo(sent);
        assertThat(in.detached.closed).isEqualTo(1);
        assertThat(m.lent()).isZero();
        for (ByteBuffer b : in.all) for (int i = 0; i < b.limit(); i++) b.put(i, (byte) 0);
        assertThat(got.getHeader().getSession().getKey().toByteArray()).isEqualTo(key);
    }

    /** A stream that lends no buffers (in-process calls, decompressed messages) is parsed by copying, as gRPC does. */
    @Test
    void aStreamWithoutBuffersIsCopied() {
        DeltaChunk sent = DeltaChunk.newBuilder().setData(ByteString.copyFrom(bytes(1000, 3))).build();
        DeltaChunkMarshaller m = new DeltaChunkMarshaller();

        assertThat(m.parse(new ByteArrayInputStream(wire(sent)))).isEqualTo(sent);
        assertThat(m.lent()).isZero();
        assertThat(m.parse(m.stream(sent))).as("what the marshaller streams, it parses").isEqualTo(sent);
    }

    /** Bytes that are no DeltaChunk fail the call as gRPC's marshaller does, and give the buffers back. */
    @Test
    void garbageFailsAndGivesTheBuffersBack() {
        byte[] bad = {0x12, (byte) 0xff, (byte) 0xff, 0x03, 1, 2}; // data field declaring far more bytes than follow
        Lent in = Lent.of(bad, 4);
        DeltaChunkMarshaller m = new DeltaChunkMarshaller();

        assertThatThrownBy(() -> m.parse(in)).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("invalid push message");
        assertThat(in.detached.closed).isEqualTo(1);
        assertThat(m.lent()).isZero();
    }
}
