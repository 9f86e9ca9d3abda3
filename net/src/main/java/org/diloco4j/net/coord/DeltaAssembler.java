package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.net.proto.DeltaHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reassembles one pushed pseudo-gradient from its chunks, of exactly the declared size (which the
 * caller has bounded): the first {@link Spool#memoryBytes()} in memory, in pieces of
 * {@value #PIECE} bytes, the rest appended to a spool file. Nothing leaves it unless every byte
 * arrived and the checksum matches, so a push that breaks off can never be applied in part;
 * {@link #close()} deletes the spool file, whether the push was handled or broke off.
 */
final class DeltaAssembler implements AutoCloseable {
    static final int PIECE = 1 << 20;

    private final DeltaHeader header;
    private final Spool spool;
    private final long size;
    /** The bytes kept in memory: {@code min(size, allowance)}. */
    private final long memory;
    private final List<byte[]> pieces = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private long filled;
    private Path file;
    private FileChannel channel;

    /** @param header a header whose size the caller has checked against the fragment's encoded size */
    DeltaAssembler(DeltaHeader header, Spool spool) {
        if (header.getSize() < 0) throw new IllegalArgumentException("declared size " + header.getSize() + " cannot be buffered");
        this.header = header;
        this.spool = spool;
        this.size = header.getSize();
        this.memory = Math.min(size, spool.memoryBytes());
    }

    DeltaHeader header() {
        return header;
    }

    /** Appends a chunk; returns why it is refused (more than declared, or the spool cannot be written), or null. */
    String add(ByteString chunk) {
        if (chunk.size() > size - filled) {
            return "pushed more than the declared " + size + " bytes (" + filled + " + " + chunk.size() + ")";
        }
        crc.update(chunk.asReadOnlyByteBuffer());
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
            try {
                if (channel == null) {
                    Files.createDirectories(spool.dir());
                    file = Files.createTempFile(spool.dir(), "push-", ".spool");
                    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                }
                ByteBuffer rest = chunk.substring(at).asReadOnlyByteBuffer();
                while (rest.hasRemaining()) channel.write(rest, filled - memory + (chunk.size() - at - rest.remaining()));
            } catch (IOException e) {
                return "the coordinator could not spool the upload to " + spool.dir() + ": " + e.getMessage();
            }
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

    /** Whether part of the upload went to a spool file. */
    boolean spooled() {
        return file != null;
    }

    /** The whole message, read by position (memory, then the spool file), until {@link #close()}. */
    EncodedSource source() {
        return new EncodedSource() {
            @Override
            public long size() {
                return size;
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
            while (b.hasRemaining()) {
                if (channel.read(b, position + (len - b.remaining())) < 0) throw new IOException("spool file " + file + " ends early");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Frees the upload: its pieces, and its spool file if it had one. */
    @Override
    public void close() {
        pieces.clear();
        if (channel == null) return;
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the spool file " + file, e);
        }
    }
}
