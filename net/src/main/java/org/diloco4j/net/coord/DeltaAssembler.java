package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import org.diloco4j.core.ingest.ArrivalCounts;
import org.diloco4j.core.ingest.BlockHistograms;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.net.proto.DeltaHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reassembles one pushed pseudo-gradient from its chunks, of exactly the declared size (which the
 * caller has bounded): as much as the {@link Spool}'s shared budget has left in memory, in pieces
 * of {@value #PIECE} bytes, the rest appended to an unlinked spool file. Nothing leaves it unless
 * every byte arrived and the checksum matches, so a push that breaks off can never be applied in
 * part; {@link #close()} frees its memory and gives its spool file back to the spool, whether the push
 * was handled or broke off.
 */
final class DeltaAssembler {
    /**
     * 256 KiB: below half of G1's smallest region (1 MiB), so a piece is an ordinary object that dies
     * young with its upload. 1 MiB pieces were humongous and took two regions each; pieces of one
     * whole region (1 MiB less the array header) did not waste it, but, referenced from the old
     * generation, lingered there as garbage until G1's next concurrent cycle: the peak heap after GC
     * at 16 × 25M was 474–574 MB with them, 465–509 MB with these (docs/bench/coordinator-throughput.md).
     */
    static final int PIECE = 1 << 18;

    private final DeltaHeader header;
    private final Spool spool;
    private final long size;
    /** The bytes kept in memory: what the spool's budget had left, at most {@code size}. */
    private final long memory;
    private final List<byte[]> pieces = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    /** A table codec's counts, taken as the bytes pass (null: not a table codec, or not counted). */
    private final ArrivalCounts counts;
    private long filled;
    private FileChannel channel;
    private volatile boolean closed;

    /**
     * @param header a header whose size the caller has checked against the fragment's encoded size
     * @param spool  whose budget the memory is taken from (given back by {@link #close()})
     */
    DeltaAssembler(DeltaHeader header, Spool spool) {
        this(header, spool, null);
    }

    /**
     * @param counts what counts a table codec's blocks as they arrive, for the scan ({@link EncodedSource#histograms}); null: nothing
     */
    DeltaAssembler(DeltaHeader header, Spool spool, ArrivalCounts counts) {
        if (header.getSize() < 0) throw new IllegalArgumentException("declared size " + header.getSize() + " cannot be buffered");
        this.header = header;
        this.spool = spool;
        this.size = header.getSize();
        this.memory = spool.take(size);
        this.counts = counts;
    }

    DeltaHeader header() {
        return header;
    }

    /**
     * Appends a chunk; returns why the worker's upload is refused (more than declared), or null.
     *
     * @throws IOException if the coordinator cannot write its spool (its own trouble, not the worker's)
     */
    String add(ByteString chunk) throws IOException {
        if (chunk.size() > size - filled) {
            return "pushed more than the declared " + size + " bytes (" + filled + " + " + chunk.size() + ")";
        }
        // A chunk may be a view of the transport's buffers (DeltaChunkMarshaller): read piece by piece, never flattened.
        // A table codec's codes are counted here too, while the checksum has them in this core's cache: the scan then
        // need not read the whole message back (counting reads from the buffer's position, which the checksum moves).
        for (ByteBuffer b : chunk.asReadOnlyByteBufferList()) {
            if (counts != null) counts.accept(b);
            crc.update(b);
        }
        int at = 0;
        while (at < chunk.size() && filled < memory) {
            int piece = (int) (filled / PIECE);
            if (piece == pieces.size()) pieces.add(new byte[(int) Math.min(PIECE, memory - (long) piece * PIECE)]);
            int n = (int) Math.min(chunk.size() - at, Math.min(memory - filled, PIECE - filled % PIECE));
            chunk.copyTo(pieces.get(piece), at, (int) (filled % PIECE), n);
            at += n;
            filled += n;
        }
        if (at < chunk.size()) {
            if (channel == null) channel = spool.open();
            // The transport's buffers (a chunk is ~70 of Netty's 16 KiB frames) go to the file as they are, in one gathering
            // write: direct, they need no copy into a temporary direct buffer (a heap array does), and one system call, not 70.
            // The file is only appended to while receiving, from 0 (Spool.open; reads come after, by position), so its own
            // position is the end. A reused file's bytes past the end are stale and never read: the source stops at size.
            ByteBuffer[] rest = chunk.substring(at).asReadOnlyByteBufferList().toArray(ByteBuffer[]::new);
            long left = chunk.size() - at;
            while (left > 0) left -= channel.write(rest);
            filled += chunk.size() - at;
        }
        return null;
    }

    /** Returns why the upload is incomplete or corrupt, or null if {@link #source()} is the whole message. */
    String finish() {
        if (filled != size) return "upload ended after " + filled + " of the declared " + size + " bytes";
        if ((int) crc.getValue() != header.getCrc32C()) {
            return String.format("CRC32C of the received bytes is %08x, the header says %08x", (int) crc.getValue(), header.getCrc32C());
        }
        return null;
    }

    long received() {
        return filled;
    }

    /** The bytes kept in memory (the rest, if any, is spooled). */
    long inMemory() {
        return memory;
    }

    /** Whether part of the upload went to a spool file. */
    boolean spooled() {
        return channel != null;
    }

    /** The whole message, read by position (memory, then the spool file), until {@link #close()}. */
    EncodedSource source() {
        return new EncodedSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public BlockHistograms histograms() {
                return counts == null ? null : counts.result();
            }

            @Override
            public void read(long position, byte[] dst, int off, int len) {
                long at = position;
                int o = off;
                int left = len;
                while (left > 0 && at < memory) {
                    int n = (int) Math.min(left, Math.min(memory - at, PIECE - at % PIECE));
                    System.arraycopy(pieces.get((int) (at / PIECE)), (int) (at % PIECE), dst, o, n);
                    at += n;
                    o += n;
                    left -= n;
                }
                if (left > 0) readSpooled(at - memory, dst, o, left);
            }
        };
    }

    private void readSpooled(long position, byte[] dst, int off, int len) {
        ByteBuffer b = ByteBuffer.wrap(dst, off, len);
        try {
            if (closed) throw new IOException("the upload was freed before it was read");
            while (b.hasRemaining()) {
                if (channel.read(b, position + (len - b.remaining())) < 0) throw new IOException("the spool of this upload ends early");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Frees the upload: its pieces, its share of the spool's memory budget, and its spool file (given
     * back to the spool, which keeps it for another upload or closes it, freeing its space). Never
     * throws, and does nothing a second time.
     *
     * @return what went wrong closing the spool file (for the log), or null
     */
    String close() {
        if (closed) return null;
        closed = true;
        pieces.clear();
        spool.giveBack(memory);
        if (channel == null) return null;
        try {
            spool.giveBack(channel); // kept for another upload, or closed
            return null;
        } catch (IOException e) {
            return "could not close the spool file of a push in " + spool.dir() + ": " + e;
        }
    }
}
