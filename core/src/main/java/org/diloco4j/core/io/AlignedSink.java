package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Future;

/**
 * A file written with O_DIRECT: the bytes are gathered in an aligned buffer and go to the disk a
 * whole buffer at a time, at aligned positions, on a second thread while the caller (converting
 * floats to bytes, summing) fills the other buffer, so writing takes about the longer of the two,
 * not their sum. The last buffer is padded to a whole block and the file then cut to its true
 * length: the file is byte for byte what a buffered write makes. A positioned write over bytes
 * still in the buffer patches the buffer; over bytes on disk it reads the blocks around them, patches
 * and writes them back.
 *
 * <p>If the filesystem refuses the first direct transfer (it accepted O_DIRECT at open but not these
 * alignments), that transfer and all after it go through a buffered channel on the same file; a
 * transfer failing after one succeeded fails the write.
 */
final class AlignedSink implements FileSink {
    /** The first buffer: small, so that small files do not cost a full-size buffer. */
    private static final int FIRST = 1 << 18;

    private final FileChannel direct;
    private final Path file;
    private final Aligned align;
    private final int size;
    /** Where blocks go: {@link #direct}, or a buffered channel once a direct transfer was refused. */
    private volatile FileChannel out;
    /** The buffer being filled; its byte 0 is at {@link #filledAt} in the file. */
    private ByteBuffer filling;
    private long filledAt;
    /** The buffer last handed to the writing thread (free once {@link #inFlight} is done). */
    private ByteBuffer spare;
    private Future<?> inFlight;
    private boolean forced;
    /** Whether a transfer succeeded: a refusal shows at the first one; a failure after it is a failure. */
    private volatile boolean written;

    AlignedSink(FileChannel direct, Path file, Aligned align, int size) {
        if (size % align.block() != 0) throw new IllegalArgumentException("buffer " + size + " is not a multiple of the block " + align.block());
        this.direct = direct;
        this.out = direct;
        this.file = file;
        this.align = align;
        this.size = size;
        this.filling = align.allocate((int) Math.min(size, align.up(FIRST)));
    }

    /** Whether every block so far went with O_DIRECT. */
    boolean direct() {
        return out == direct;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (forced) throw new ClosedChannelException();
        int n = src.remaining();
        while (src.hasRemaining()) {
            int k = Math.min(src.remaining(), filling.remaining());
            filling.put(src.slice(src.position(), k));
            src.position(src.position() + k);
            if (!filling.hasRemaining()) submit();
        }
        return n;
    }

    /** Hands the full buffer to the writing thread and takes the other to fill. */
    private void submit() throws IOException {
        await();
        ByteBuffer full = filling.flip();
        long at = filledAt;
        inFlight = CheckpointIo.THREADS.submit(() -> {
            writeFully(full, at);
            return null;
        });
        filledAt += full.limit();
        filling = spare != null && spare.capacity() == size ? spare.clear() : align.allocate(size);
        spare = full;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (forced) throw new ClosedChannelException();
        int n = src.remaining();
        long end = position + n;
        if (position < 0 || end > filledAt + filling.position()) {
            throw new IOException("positioned write of bytes " + position + ".." + end + " past the " + (filledAt + filling.position()) + " written");
        }
        if (end > filledAt) {   // the part still in the buffer
            long from = Math.max(position, filledAt);
            filling.put((int) (from - filledAt), src, src.position() + (int) (from - position), (int) (end - from));
        }
        if (position < filledAt) patch(src.slice(src.position(), (int) (Math.min(end, filledAt) - position)), position);
        src.position(src.limit());
        return n;
    }

    /** Writes {@code part} over bytes on disk at {@code position}: the blocks around it read, patched, written back. */
    private void patch(ByteBuffer part, long position) throws IOException {
        await();
        long lo = align.down(position), hi = align.up(position + part.remaining());   // hi <= filledAt: that is block-aligned
        ByteBuffer b = align.allocate((int) (hi - lo));
        while (b.hasRemaining()) {
            if (out.read(b, lo + b.position()) < 0) throw new IOException(file + " ends before byte " + hi);
        }
        b.put((int) (position - lo), part, part.position(), part.remaining()).flip();
        writeFully(b, lo);
    }

    @Override
    public void force() throws IOException {
        if (forced) return;
        int n = filling.position();
        await();
        if (n > 0) {
            int padded = (int) align.up(n);
            while (filling.position() < padded) filling.put((byte) 0);
            writeFully(filling.flip(), filledAt);
            if (padded != n) out.truncate(filledAt + n);
        }
        forced = true;
        out.force(true);   // O_DIRECT skips the page cache, not the disk's own cache nor the file's metadata
    }

    /** Writes all of {@code b} at {@code at}; a refused first transfer is done, and all after it, buffered. */
    private void writeFully(ByteBuffer b, long at) throws IOException {
        int start = b.position();
        try {
            for (long p = at; b.hasRemaining(); ) p += out.write(b, p);
            written = true;
        } catch (IOException e) {
            if (written || out != direct || !direct.isOpen()) throw e;
            CheckpointIo.refused(file, e);
            out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
            b.position(start);
            for (long p = at; b.hasRemaining(); ) p += out.write(b, p);
        }
    }

    /** Waits for the buffer in flight to be written; its failure is this call's. */
    private void await() throws IOException {
        Future<?> f = inFlight;
        if (f == null) return;
        inFlight = null;
        CheckpointIo.join(f, "writing " + file);
    }

    @Override
    public boolean isOpen() {
        return direct.isOpen();
    }

    /** Closes the file once nothing is in flight (so that a failed write's temporary can be deleted). */
    @Override
    public void close() throws IOException {
        Future<?> f = inFlight;
        inFlight = null;
        CheckpointIo.close(f, direct, out);
    }
}
