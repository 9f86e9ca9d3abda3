package org.diloco4j.core.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * A file opened with O_DIRECT, and the buffered channel that takes over if the filesystem refuses
 * the first transfer (it accepted O_DIRECT at open but not these alignments): that transfer is done
 * again, and all after it, through the page cache. A transfer that fails after one succeeded is a
 * failure. Positioned transfers only; several may be under way at once (from different threads).
 */
final class DirectChannel implements Closeable {
    private final FileChannel direct;
    private final Path file;
    private final Set<OpenOption> options;
    /** Where transfers go: {@link #direct}, or the buffered channel after a refusal. */
    private volatile FileChannel ch;
    private volatile boolean succeeded;

    /** {@code direct}, a channel on {@code file} with O_DIRECT; a refusal opens {@code file} again with {@code options}. */
    DirectChannel(FileChannel direct, Path file, Set<OpenOption> options) {
        this.direct = direct;
        this.ch = direct;
        this.file = file;
        this.options = options;
    }

    /** Whether every transfer so far went with O_DIRECT. */
    boolean direct() {
        return ch == direct;
    }

    /** The channel transfers go to now (for its size, truncating, forcing). */
    FileChannel channel() {
        return ch;
    }

    /** Writes all of {@code b} (from its position) at {@code at}. */
    void write(ByteBuffer b, long at) throws IOException {
        int start = b.position();
        transfer(c -> {
            b.position(start);
            for (long p = at; b.hasRemaining(); ) p += c.write(b, p);
        });
    }

    /** Reads {@code n} bytes at {@code at} into {@code b} (from position 0, up to its limit: a whole number of blocks may ask past the end). */
    void read(ByteBuffer b, long at, int n) throws IOException {
        transfer(c -> {
            b.position(0);
            while (b.position() < n) {
                if (c.read(b, at + b.position()) < 0) throw new EOFException(file + " ended at byte " + (at + b.position()) + ", before " + (at + n));
            }
        });
    }

    private interface Transfer {
        void on(FileChannel c) throws IOException;
    }

    private void transfer(Transfer t) throws IOException {
        FileChannel c = ch;
        try {
            t.on(c);
            succeeded = true;
        } catch (IOException e) {
            t.on(fallback(c, e));
        }
    }

    /** The buffered channel if {@code e} on {@code failed} was a refusal of the first direct transfers; else {@code e}. */
    private synchronized FileChannel fallback(FileChannel failed, IOException e) throws IOException {
        if (failed != direct || succeeded || !direct.isOpen()) throw e;
        if (ch == direct) {
            CheckpointIo.refused(file, e);
            ch = FileChannel.open(file, options);
        }
        return ch;
    }

    @Override
    public void close() throws IOException {
        try {
            direct.close();
        } finally {
            if (ch != direct) ch.close();
        }
    }
}
