package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.diloco4j.core.codec.Codec;

import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * Snapshots in byte arrays on the Java heap, encoded whole by {@link Codec#encode} (which writes
 * straight into the array it returns): pulls send slices of the array, not copies.
 */
final class HeapSnapshots implements SnapshotStorage {
    @Override
    public SnapshotBytes write(Codec codec, float[] values, int floats) {
        byte[] data = codec.encode(values, 0, floats);
        CRC32C crc = new CRC32C();
        crc.update(data);
        return new Bytes(data, (int) crc.getValue());
    }

    private static final class Bytes implements SnapshotBytes {
        private final long length;
        private final int crc;
        /** Null once released: whatever still refers to the snapshot (a finished pull's task) must not keep a θ's bytes. */
        private volatile byte[] data;

        Bytes(byte[] data, int crc) {
            this.data = data;
            this.length = data.length;
            this.crc = crc;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public ByteString slice(long offset, int n) throws IOException {
            // The bytes are never modified, so chunks may share them.
            return UnsafeByteOperations.unsafeWrap(data(), Math.toIntExact(offset), n);
        }

        @Override
        public int crc32c() {
            return crc;
        }

        @Override
        public void release() {
            data = null;
        }

        private byte[] data() throws IOException {
            byte[] d = data;
            if (d == null) throw new IOException("the θ snapshot was released");
            return d;
        }
    }
}
