package org.diloco4j.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.Future;

/**
 * A file read with O_DIRECT: it is read a window at a time (a whole, aligned buffer) and any read
 * inside the window is served from memory. A read in a new window has the next {@code depth}
 * windows read on other threads (up to {@code depth} reads under way, {@link CheckpointIo#DEPTH} =
 * three for checkpoints: this machine's virtual disk read about twice as fast with two reads under
 * way as with one), so a pass over the file in order (the checksum pass, with {@link ReadAhead}'s
 * conversion to arrays) sums and converts one window while the disk fills the next. Reads of any
 * position and length work; only a pass in order is ahead of the caller. A refusal of the first
 * reads moves them to the page cache ({@link DirectChannel}). Safe for reads from several threads
 * (one at a time).
 */
final class AlignedSource implements ByteSource.Open {
    private record Ahead(long at, ByteBuffer buffer, Future<Integer> length) {
    }

    private final DirectChannel in;
    private final String doing;
    private final Aligned align;
    private final long size;
    /** Where full-size windows come from and go back to when the file is closed. */
    private final AlignedBuffers buffers;
    private final int window, depth;
    private boolean closed;
    /** The window in memory: bytes [at, at + length) of the file. */
    private ByteBuffer current;
    private long at = -1;
    private int length;
    /** The windows after it, being read, in order. */
    private final ArrayDeque<Ahead> ahead = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    AlignedSource(DirectChannel in, String file, Aligned align, AlignedBuffers buffers) throws IOException {
        int buffer = buffers.size();
        if (buffer % align.block() != 0) throw new IllegalArgumentException("buffer " + buffer + " is not a multiple of the block " + align.block());
        this.in = in;
        this.doing = "reading " + file;
        this.align = align;
        this.size = in.channel().size();
        this.buffers = buffers;
        this.depth = buffers.depth();
        // A small file gets a small window: no 16 MiB buffers for a few kilobytes.
        this.window = (int) Math.max(align.block(), Math.min(buffer, align.up(size)));
        this.current = fresh();
        this.length = 0;
    }

    /** Whether every read so far went with O_DIRECT. */
    boolean direct() {
        return in.direct();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized void read(long position, ByteBuffer dst) throws IOException {
        if (closed) throw new ClosedChannelException();
        if (position < 0 || position + dst.remaining() > size) throw new EOFException("end of file at byte " + size + " (reading " + dst.remaining() + " at " + position + ")");
        while (dst.hasRemaining()) {
            if (position < at || position >= at + length) move(position);
            int from = (int) (position - at), k = Math.min(dst.remaining(), length - from);
            dst.put(current.slice(from, k));
            position += k;
        }
    }

    /** Makes the window holding {@code position} current and keeps {@code depth} windows after it being read. */
    private void move(long position) throws IOException {
        long w = position - position % window;
        free.add(current);
        at = -1;   // no window, should this fail
        length = 0;
        if (!ahead.isEmpty() && ahead.peek().at() == w) {
            Ahead a = ahead.poll();
            length = CheckpointIo.join(a.length(), doing);
            current = a.buffer();
        } else {
            CheckpointIo.settle(ahead.stream().map(Ahead::length).toList());   // read ahead for nobody
            // Settling stops at an interrupt, cancelling the reads: one may still be filling its
            // buffer, which is then left to the GC, neither reused here nor given to the shared set.
            for (Ahead a : ahead) if (AlignedBuffers.over(a.length())) free.add(a.buffer());
            ahead.clear();
            current = free.poll();
            length = fill(current, w);
        }
        at = w;
        for (long next = ahead.isEmpty() ? w + length : ahead.peekLast().at() + window; ahead.size() < depth && next < size; next += window) {
            ByteBuffer b = free.isEmpty() ? fresh() : free.poll();
            long from = next;
            ahead.add(new Ahead(from, b, CheckpointIo.THREADS.submit(() -> fill(b, from))));
        }
    }

    /** A buffer for a window: a kept one if the window is full-size (a small file's is not). */
    private ByteBuffer fresh() {
        return window == buffers.size() ? buffers.take(align) : align.allocate(window);
    }

    /** Reads the window at {@code w} (window-aligned) into {@code b}; its length. */
    private int fill(ByteBuffer b, long w) throws IOException {
        int n = (int) Math.min(window, size - w);
        b.clear().limit((int) align.up(n));   // a whole number of blocks: the last read stops at the end of the file
        in.read(b, w, n);
        return n;
    }

    /** Closes the file once no read is under way and gives the buffers back for the next file. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            CheckpointIo.close(ahead.stream().map(Ahead::length).toList(), in);
        } finally {
            for (Ahead a : ahead) buffers.giveAfter(a.buffer(), a.length());
            buffers.give(current);
            free.forEach(buffers::give);
            ahead.clear();
            free.clear();
            current = null;
            at = -1;
            length = 0;
        }
    }
}
