package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.diloco4j.core.codec.Codec;

import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * Snapshots in byte arrays on the Java heap, encoded whole by {@link Codec#encode} (which writes
 * straight into the array it returns): pulls send slices of the array, not copies. The CRC32C is
 * summed when first asked for (by the first pull to reach the end, on a transport thread), not by
 * {@link #write} on the event loop: at 1B that is 2 GB of bf16 the loop would stall on.
 */
final class HeapSnapshots implements SnapshotStorage {
    @Override
    public SnapshotBytes write(Codec codec, float[] values, int floats) {
        return new Bytes(codec.encode(values, 0, floats));
    }

    static final class Bytes implements SnapshotBytes {
        private final long length;
        /** Null until first asked for; the array never changes, so summing it later gives what was encoded. */
        private Integer crc;
        /** Null once released: whatever still refers to the snapshot (a finished pull's task) must not keep a θ's bytes. */
        private volatile byte[] data;

        Bytes(byte[] data) {
            this.data = data;
            this.length = data.length;
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
        public synchronized int crc32c() throws IOException {
            if (crc == null) {
                CRC32C sum = new CRC32C();
                sum.update(data());
                crc = (int) sum.getValue();
            }
            return crc;
        }

        /** Whether the CRC has been summed yet (tests: {@link HeapSnapshots#write} must not sum it). */
        synchronized boolean crcComputed() {
            return crc != null;
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
