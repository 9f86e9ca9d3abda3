package org.diloco4j.net.coord;

import org.diloco4j.core.time.Clock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The {@link Spool}'s files that no upload holds, kept open (and unlinked) for the next uploads. A
 * file an upload is done with is written again from offset 0 by the next one: overwriting pages
 * the page cache already holds cost 0.08–0.10 s of system CPU per GiB on the benchmark machine,
 * writing a new file 0.18–0.22 s and closing it 0.04–0.06 s more (the kernel allocates every page,
 * and frees it at the close; docs/bench/spool-write.md), and at 1B parameters nearly every int8 push
 * (1 GB) is spooled. What a file held beyond the new upload's
 * end is stale and never read: an upload's source reads only the bytes it wrote.
 *
 * <p>What it keeps idle is bounded three ways, the first two checked when an upload gives a file
 * back, the third then and whenever an upload takes one:
 * <ul>
 *   <li>a kept file is truncated to the largest of the last {@value #RECENT} uploads' spooled bytes
 *       (a file that once held a larger upload does not keep that size);</li>
 *   <li>the idle files together hold at most {@code keepBytes} ({@link SpoolOptions#keepBytes()}); a
 *       file that does not fit is closed (its space freed), and {@code keepBytes = 0} keeps none;</li>
 *   <li>a file no upload took for {@value #IDLE_SECONDS} s is closed at the next take or give-back:
 *       files beyond what the uploads of the last minute used at once do not stay. Files are handed
 *       out most recently returned first, so those beyond the uploads in flight are the ones left
 *       idle. With no upload at all after the last one, they stay until {@link #close}.</li>
 * </ul>
 * Files are truncated and closed outside the pool's lock: a truncation frees pages (a syscall of
 * up to a second per GiB), and other uploads must not wait on it to take or give back a file.
 * A file is open only while an upload holds it or it is idle here, so the pool never has more files
 * than the most uploads that spooled at once. {@link #close} closes the idle files and every file
 * given back afterwards.
 */
final class SpoolFilePool {
    /** The uploads whose largest spooled size a kept file is truncated to: a few rounds of a 16-member run. */
    static final int RECENT = 32;
    /** A file idle this long is closed: longer than a round of a saturated coordinator, short next to a run. */
    static final long IDLE_SECONDS = 60;

    /** Creates a new spool file (open, unlinked). */
    @FunctionalInterface
    interface Opener {
        FileChannel open() throws IOException;
    }

    private record Idle(FileChannel channel, long bytes, long since) {
    }

    private final Opener opener;
    private final long keepBytes;
    private final Clock clock;
    /** Most recently returned first. */
    private final Deque<Idle> idle = new ArrayDeque<>();
    /** The spooled bytes of the last {@value #RECENT} uploads, a ring. */
    private final long[] recent = new long[RECENT];
    private int returned;
    private long idleBytes;
    private boolean closed;

    SpoolFilePool(Opener opener, long keepBytes, Clock clock) {
        if (keepBytes < 0) throw new IllegalArgumentException("the spool's idle bound must be >= 0 bytes, got " + keepBytes);
        this.opener = opener;
        this.keepBytes = keepBytes;
        this.clock = clock;
    }

    /**
     * A file for one upload, positioned at 0: the most recently returned idle file, else a new one.
     * No other upload gets it until it is {@link #giveBack given back}. Idle files past
     * {@value #IDLE_SECONDS} s are closed first.
     *
     * @throws IOException if a new file could not be made, or an expired one closed
     */
    FileChannel take() throws IOException {
        closeAll(expire(), null);
        while (true) {
            Idle f;
            synchronized (this) {
                f = idle.pollFirst();
                if (f == null) break;
                idleBytes -= f.bytes;
            }
            try {
                f.channel.position(0);
                return f.channel;
            } catch (IOException e) {
                // Closed under us (an interrupted transfer closes a channel): not reusable; closing it again frees nothing.
                UnlinkedFiles.closeAfter(f.channel, e);
            }
        }
        return opener.open();
    }

    /**
     * Takes back the file of an upload that is done with it (handled, refused or broken off, or its
     * write failed): kept for the next upload if the bounds allow, else closed, which frees its space.
     * Idle files past {@value #IDLE_SECONDS} s are closed too.
     *
     * @throws IOException if a file could not be truncated or closed (all are closed or kept regardless)
     */
    void giveBack(FileChannel channel) throws IOException {
        IOException failed = null;
        long size = -1;
        long spooled = 0;
        if (channel.isOpen()) {
            try {
                size = channel.size();
                spooled = channel.position();
            } catch (IOException e) {
                failed = e;
            }
        }
        Deque<FileChannel> expired = expire();
        long keep = -1;
        synchronized (this) {
            if (!closed && size >= 0) {
                long k = Math.min(size, largestRecent(spooled));
                // Its bytes are counted from now, so the bound holds while it is truncated outside the lock.
                if (idleBytes + k <= keepBytes) {
                    keep = k;
                    idleBytes += k;
                }
            }
        }
        boolean kept = false;
        if (keep >= 0) {
            try {
                if (size > keep) channel.truncate(keep);
                channel.position(0); // idle files sit at 0 (/proc/PID/fdinfo tells them from files being written)
                synchronized (this) {
                    if (!closed) {
                        idle.addFirst(new Idle(channel, keep, clock.nanos()));
                        kept = true;
                    }
                }
            } catch (IOException e) {
                failed = e;
            }
            if (!kept) {
                synchronized (this) {
                    if (!closed) idleBytes -= keep; // close() zeroed the count already
                }
            }
        }
        if (!kept) expired.add(channel);
        closeAll(expired, failed);
    }

    /** Takes the files idle for {@value #IDLE_SECONDS} s or more out of the pool, for the caller to close outside the lock. */
    private synchronized Deque<FileChannel> expire() {
        Deque<FileChannel> expired = new ArrayDeque<>();
        long now = clock.nanos();
        while (!idle.isEmpty() && now - idle.peekLast().since >= IDLE_SECONDS * 1_000_000_000L) {
            Idle old = idle.pollLast();
            idleBytes -= old.bytes;
            expired.add(old.channel);
        }
        return expired;
    }

    /** Records an upload's spooled bytes; returns the largest of the last {@value #RECENT}. */
    private long largestRecent(long spooled) {
        recent[returned++ % RECENT] = spooled;
        long max = 0;
        for (long r : recent) max = Math.max(max, r);
        return max;
    }

    /** Idle files now. */
    synchronized int idleFiles() {
        return idle.size();
    }

    /** Bytes the idle files hold now. */
    synchronized long idleBytes() {
        return idleBytes;
    }

    /** Closes the idle files; files given back from now on are closed, not kept. */
    void close() throws IOException {
        Deque<FileChannel> all = new ArrayDeque<>();
        synchronized (this) {
            closed = true;
            for (Idle f : idle) all.add(f.channel);
            idle.clear();
            idleBytes = 0;
        }
        closeAll(all, null);
    }

    /** Closes every channel; throws {@code failed} (if any) or the first failure to close, the others suppressed. */
    private static void closeAll(Iterable<FileChannel> channels, IOException failed) throws IOException {
        for (FileChannel c : channels) {
            try {
                c.close();
            } catch (IOException e) {
                if (failed == null) failed = e;
                else failed.addSuppressed(e);
            }
        }
        if (failed != null) throw failed;
    }
}
