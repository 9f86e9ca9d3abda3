package org.diloco4j.core.io;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Future;

/**
 * The aligned direct buffers checkpoint files are written and read through, {@code size} bytes each,
 * {@code depth} of them under way at once: the {@code depth + 1} a file needs (those under way and the
 * one being filled or read from) are kept for the process's next checkpoint file instead of being left
 * to a GC. A direct buffer's memory is only given back when a GC finds the buffer unreachable (freeing
 * it at once would take java.lang.foreign's Arena, a preview API in release 21, which core compiles
 * for); a coordinator at 1B has ~400 MB of RSS to spare and a large, rarely collected heap, so 64 MiB
 * left behind by every checkpoint file could pile up. Safe for use from several threads: a file
 * written while another is read takes new buffers, and only {@code depth + 1} are kept.
 */
final class AlignedBuffers {
    private final int size, depth;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private int made;

    AlignedBuffers(int size, int depth) {
        this.size = size;
        this.depth = Math.max(1, depth);
    }

    /** Bytes in each buffer. */
    int size() {
        return size;
    }

    /** Transfers under way at once. */
    int depth() {
        return depth;
    }

    /** A buffer of {@link #size} bytes aligned to {@code align}'s block: a kept one if there is one, else a new one. */
    synchronized ByteBuffer take(Aligned align) {
        for (Iterator<ByteBuffer> it = free.iterator(); it.hasNext(); ) {
            ByteBuffer b = it.next();
            if (b.alignmentOffset(0, align.block()) == 0) {
                it.remove();
                return b.clear();
            }
        }
        made++;
        return align.allocate(size);
    }

    /** Keeps {@code b} for a later {@link #take}, if it is one of {@link #size} bytes and fewer than {@code depth + 1} are kept; the caller no longer uses it. */
    synchronized void give(ByteBuffer b) {
        if (b == null || b.capacity() != size || free.size() > depth) return;
        for (ByteBuffer f : free) if (f == b) return;   // identity: ArrayDeque.contains compares contents
        free.add(b);
    }

    /** {@link #give}s {@code b} if the transfer {@code using} it is over: a cancelled one may still be filling or writing it. */
    void giveAfter(ByteBuffer b, Future<?> using) {
        if (over(using)) give(b);
    }

    /** Whether the transfer {@code using} a buffer has ended (succeeded or failed): a cancelled one may still be filling or writing it. */
    static boolean over(Future<?> using) {
        Future.State s = using.state();
        return s == Future.State.SUCCESS || s == Future.State.FAILED;
    }

    /** How many buffers {@link #take} had to allocate. */
    synchronized int made() {
        return made;
    }
}
