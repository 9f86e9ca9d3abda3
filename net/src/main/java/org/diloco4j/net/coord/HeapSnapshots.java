package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.params.Fp32Vector;

import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * Snapshots in byte arrays on the Java heap, encoded whole by {@link Codec#encode} (which writes
 * straight into the array it returns) when θ is one array; a θ in several chunks is encoded piece by
 * piece ({@link ThetaPieces}) into one array of the encoded size, the same bytes. Pulls send slices
 * of the array, not copies. The CRC32C is
 * summed when first asked for (by the first pull to reach the end, on a transport thread), not by
 * {@link #write} on the event loop: at 1B that is 2 GB of bf16 the loop would stall on.
 */
final class HeapSnapshots implements SnapshotStorage {
    /**
     * Values per piece when a chunked θ is encoded into one array: 2^16 (bf16 128 KiB, fp32 256 KiB),
     * below G1's humongous size (half a region, at least 512 KiB), so the pieces are short-lived
     * young garbage. With {@link ThetaPieces#PIECE_VALUES} a bf16 piece is 512 KiB + 8 bytes, humongous:
     * hundreds per snapshot, and the 100M mixed benchmark's GC time tripled (docs/bench/chunked-theta.md).
     */
    static final int PIECE_VALUES = 1 << 16;
    @Override
    public SnapshotBytes write(Codec codec, Fp32Vector values) throws IOException {
        if (values.chunkCount() <= 1) return new Bytes(values.chunkCount() == 0 ? codec.encode(new float[0]) : codec.encode(values.chunk(0), 0, values.chunk(0).length));
        long size = codec.encodedSize(values.size());
        if (size > Integer.MAX_VALUE - 8) throw new IOException(codec.name() + " θ of " + values.size() + " values is " + size + " bytes, more than one heap array holds: keep snapshots in files");
        byte[] data = new byte[(int) size];
        int[] at = {0};
        ThetaPieces.encode(codec, values, PIECE_VALUES, (b, off, len) -> {
            System.arraycopy(b, off, data, at[0], len);
            at[0] += len;
        });
        return new Bytes(data);
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
