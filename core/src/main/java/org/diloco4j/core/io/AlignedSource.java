package org.diloco4j.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Future;

/**
 * A file read with O_DIRECT: it is read a window at a time (a whole, aligned buffer) and any read
 * inside the window is served from memory. A read in a new window starts reading the one after it
 * on a second thread, so a pass over the file in order (the checksum pass, with
 * {@link ReadAhead}'s conversion to arrays) sums and converts one window while the disk fills the
 * next. Reads of any position and length work; only a pass in order is ahead of the caller.
 *
 * <p>If the filesystem refuses the first direct read, that read and all after it go through a
 * buffered channel on the same file. Safe for reads from several threads (one at a time).
 */
final class AlignedSource implements ByteSource.Open {
    private final FileChannel direct;
    private final Path file;
    private final Aligned align;
    private final long size;
    private final int window;
    /** Where reads go: {@link #direct}, or a buffered channel once a direct read was refused. */
    private volatile FileChannel in;
    private volatile boolean read;
    /** The window in memory: bytes [at, at + length) of the file. */
    private ByteBuffer current;
    private long at = -1;
    private int length;
    /** The other buffer, being filled with the next window (bytes from {@link #aheadAt}) while {@link #ahead} is not done. */
    private ByteBuffer spare;
    private Future<Integer> ahead;
    private long aheadAt = -1;

    AlignedSource(FileChannel direct, Path file, Aligned align, int buffer) throws IOException {
        if (buffer % align.block() != 0) throw new IllegalArgumentException("buffer " + buffer + " is not a multiple of the block " + align.block());
        this.direct = direct;
        this.in = direct;
        this.file = file;
        this.align = align;
        this.size = direct.size();
        // A small file gets a small window: no 2 × 16 MiB for a few kilobytes.
        this.window = (int) Math.max(align.block(), Math.min(buffer, align.up(size)));
        this.current = align.allocate(window);
        this.spare = align.allocate(window);
    }

    /** Whether every read so far went with O_DIRECT. */
    boolean direct() {
        return in == direct;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized void read(long position, ByteBuffer dst) throws IOException {
        if (position < 0 || position + dst.remaining() > size) throw new EOFException("end of file at byte " + size + " (reading " + dst.remaining() + " at " + position + ")");
        while (dst.hasRemaining()) {
            if (position < at || position >= at + length) move(position);
            int from = (int) (position - at), k = Math.min(dst.remaining(), length - from);
            dst.put(current.slice(from, k));
            position += k;
        }
    }

    /** Makes the window holding {@code position} current and starts reading the one after it. */
    private void move(long position) throws IOException {
        long w = position - position % window;
        int n;
        if (ahead != null && aheadAt == w) {
            n = await();
        } else {
            try {
                await();
            } catch (IOException e) {
                // That window was not wanted after all.
            }
            n = fill(spare, w);
        }
        ByteBuffer b = current;
        current = spare;
        spare = b;
        at = w;
        length = n;
        long next = w + n;
        if (next < size) {
            ByteBuffer into = spare;
            aheadAt = next;
            ahead = CheckpointIo.THREADS.submit(() -> fill(into, next));
        }
    }

    /** Reads the window at {@code w} (window-aligned) into {@code b}; its length. */
    private int fill(ByteBuffer b, long w) throws IOException {
        int n = (int) Math.min(window, size - w);
        b.clear().limit((int) align.up(n));   // a whole number of blocks: the last read stops at the end of the file
        try {
            readFully(b, w, n);
            read = true;
        } catch (IOException e) {
            if (read || in != direct || !direct.isOpen()) throw e;
            CheckpointIo.refused(file, e);
            in = FileChannel.open(file, StandardOpenOption.READ);
            b.clear().limit(n);
            readFully(b, w, n);
        }
        return n;
    }

    private void readFully(ByteBuffer b, long w, int n) throws IOException {
        while (b.position() < n) {
            if (in.read(b, w + b.position()) < 0) throw new EOFException(file + " ended at byte " + (w + b.position()) + ", before " + (w + n));
        }
    }

    private int await() throws IOException {
        Future<Integer> f = ahead;
        if (f == null) return 0;
        ahead = null;
        aheadAt = -1;
        return CheckpointIo.join(f, "reading " + file);
    }

    @Override
    public synchronized void close() throws IOException {
        Future<?> f = ahead;
        ahead = null;
        CheckpointIo.close(f, direct, in);
    }
}
