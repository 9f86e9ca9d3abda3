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
 * <p>What it keeps idle is bounded three ways, each checked when an upload gives a file back:
 * <ul>
 *   <li>a kept file is truncated to the largest of the last {@value #RECENT} uploads' spooled bytes
 *       (a file that once held a larger upload does not keep that size);</li>
 *   <li>the idle files together hold at most {@code keepBytes} ({@link SpoolOptions#keepBytes()}); a
 *       file that does not fit is closed (its space freed), and {@code keepBytes = 0} keeps none;</li>
 *   <li>a file no upload took for {@value #IDLE_SECONDS} s is closed: files beyond what the uploads
 *       of the last minute used at once do not stay. Files are handed out most recently returned
 *       first, so those beyond the uploads in flight are the ones left idle.</li>
 * </ul>
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
     * No other upload gets it until it is {@link #giveBack given back}.
     */
    FileChannel take() throws IOException {
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
        FileChannel close = channel;
        Deque<FileChannel> expired = new ArrayDeque<>();
        synchronized (this) {
            long now = clock.nanos();
            while (!idle.isEmpty() && now - idle.peekLast().since >= IDLE_SECONDS * 1_000_000_000L) {
                Idle old = idle.pollLast();
                idleBytes -= old.bytes;
                expired.add(old.channel);
            }
            if (!closed && channel.isOpen()) {
                try {
                    long keep = Math.min(channel.size(), largestRecent(channel.position()));
                    if (idleBytes + keep <= keepBytes) {
                        if (channel.size() > keep) channel.truncate(keep);
                        channel.position(0); // idle files sit at 0 (/proc/PID/fdinfo tells them from files being written)
                        idle.addFirst(new Idle(channel, keep, now));
                        idleBytes += keep;
                        close = null;
                    }
                } catch (IOException e) {
                    failed = e;
                }
            }
        }
        if (close != null) expired.add(close);
        closeAll(expired, failed);
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
