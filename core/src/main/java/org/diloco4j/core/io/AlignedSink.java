package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A file written with O_DIRECT: the bytes are gathered in an aligned buffer and go to the disk a
 * whole buffer at a time, at aligned positions, on other threads (up to {@code depth} buffers under
 * way at once, {@link CheckpointIo#DEPTH} = three for checkpoints, so {@code depth + 1} buffers in
 * all: this machine's virtual disk wrote about twice as fast with two under way as with one) while
 * the caller (converting floats to bytes, summing) fills the next, so writing takes about the longer
 * of the two, not their sum. The last buffer is padded to a whole block and the file then cut to its true length: the file
 * is byte for byte what a buffered write makes. A positioned write over bytes still in the buffer
 * patches the buffer; over bytes on disk it reads the blocks around them, patches and writes them
 * back. A refusal of the first transfers moves them to the page cache ({@link DirectChannel}).
 */
final class AlignedSink implements FileSink {
    /** The first buffer: small, so that small files do not cost a full-size buffer. */
    private static final int FIRST = 1 << 18;

    private record Pending(ByteBuffer buffer, Future<?> done) {
    }

    private final DirectChannel out;
    private final ExecutorService threads;
    private final String doing;
    private final Aligned align;
    /** Where the full-size buffers come from and go back to when the file is closed. */
    private final AlignedBuffers buffers;
    private final int size, depth;
    /** The buffer being filled; its byte 0 is at {@link #filledAt} in the file. */
    private ByteBuffer filling;
    private long filledAt;
    /** Buffers on their way to the disk, oldest first. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean forced, closed;

    AlignedSink(DirectChannel out, String file, Aligned align, AlignedBuffers buffers) {
        this(out, file, align, buffers, CheckpointIo.THREADS);
    }

    /** {@code threads} run the writes (a test's runs them only when waited for, to count them). */
    AlignedSink(DirectChannel out, String file, Aligned align, AlignedBuffers buffers, ExecutorService threads) {
        int size = buffers.size();
        if (size % align.block() != 0) throw new IllegalArgumentException("buffer " + size + " is not a multiple of the block " + align.block());
        this.out = out;
        this.threads = threads;
        this.doing = "writing " + file;
        this.align = align;
        this.buffers = buffers;
        this.size = size;
        this.depth = buffers.depth();
        int first = (int) Math.min(size, align.up(FIRST));
        this.filling = first == size ? buffers.take(align) : align.allocate(first);
    }

    /** Whether every block so far went with O_DIRECT. */
    boolean direct() {
        return out.direct();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (forced || closed) throw new ClosedChannelException();
        int n = src.remaining();
        while (src.hasRemaining()) {
            int k = Math.min(src.remaining(), filling.remaining());
            filling.put(src.slice(src.position(), k));
            src.position(src.position() + k);
            if (!filling.hasRemaining()) submit();
        }
        return n;
    }

    /**
     * Hands the full buffer to a writing thread and takes a free one. With {@code depth} writes under
     * way it first waits for the oldest, so that never more than {@code depth} are, and never more
     * than {@code depth + 1} buffers exist.
     */
    private void submit() throws IOException {
        ByteBuffer free = null;
        if (pending.size() == depth) {
            free = finish(pending.poll());
        }
        ByteBuffer full = filling.flip();
        long at = filledAt;
        pending.add(new Pending(full, threads.submit(() -> {
            out.write(full, at);
            return null;
        })));
        filledAt += full.limit();
        filling = free != null && free.capacity() == size ? free.clear() : buffers.take(align);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (forced || closed) throw new ClosedChannelException();
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
        drain();
        long lo = align.down(position), hi = align.up(position + part.remaining());   // hi <= filledAt: that is block-aligned
        ByteBuffer b = align.allocate((int) (hi - lo));
        out.read(b, lo, (int) (hi - lo));
        b.put((int) (position - lo), part, part.position(), part.remaining()).position(0).limit((int) (hi - lo));
        out.write(b, lo);
    }

    @Override
    public void force() throws IOException {
        if (forced) return;
        int n = filling.position();
        drain();
        if (n > 0) {
            int padded = (int) align.up(n);
            while (filling.position() < padded) filling.put((byte) 0);
            out.write(filling.flip(), filledAt);
            if (padded != n) out.channel().truncate(filledAt + n);
        }
        forced = true;
        out.channel().force(true);   // O_DIRECT skips the page cache, not the disk's own cache nor the file's metadata
    }

    /** Waits for every buffer under way to be written (the buffers go back for the next file); the first failure is this call's. */
    private void drain() throws IOException {
        while (!pending.isEmpty()) buffers.give(finish(pending.poll()));
    }

    /** Waits for {@code p}'s write; its buffer, free now. A failed write's buffer goes back for the next file. */
    private ByteBuffer finish(Pending p) throws IOException {
        try {
            CheckpointIo.join(p.done(), doing);
        } catch (IOException | RuntimeException e) {
            buffers.giveAfter(p.buffer(), p.done());
            throw e;
        }
        return p.buffer();
    }

    @Override
    public boolean isOpen() {
        return !closed && out.channel().isOpen();
    }

    /**
     * Closes the file once nothing is under way (so that a failed write's temporary can be deleted)
     * and gives the buffers back for the next file.
     */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            CheckpointIo.close(pending.stream().map(Pending::done).toList(), out);
        } finally {
            for (Pending p : pending) buffers.giveAfter(p.buffer(), p.done());
            buffers.give(filling);
            pending.clear();
            filling = null;
        }
    }
}
