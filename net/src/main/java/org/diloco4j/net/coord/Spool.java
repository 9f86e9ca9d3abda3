package org.diloco4j.net.coord;

import org.diloco4j.core.time.Clock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where uploads wait until the coordinator applies them: in memory up to a budget shared by all
 * members ({@link SpoolOptions#memoryBytes()}), the rest in a temporary file in {@code dir}. The
 * budget is the coordinator's, not each member's: uploads waiting for the event loop are a queue,
 * and a queue of 16 members × 64 MiB in the heap was most of the coordinator's live heap at 25M
 * parameters (docs/bench/coordinator-throughput.md); in a spool file the same bytes live in the
 * page cache, which the kernel may write out and reclaim.
 *
 * <p>A spool file is unlinked as soon as it is opened ({@link UnlinkedFiles}): its open channel
 * keeps the data readable (Linux), and nothing is left on disk however the coordinator ends,
 * {@code kill -9} included; {@link #sweep} removes what the instant between creating and opening
 * (or an older coordinator) left.
 *
 * <p>A file an upload is done with is kept open for the next upload ({@link SpoolFilePool}, bounded
 * by {@link SpoolOptions#keepBytes()}): rewriting a file whose pages are cached costs half the system
 * CPU of writing a new one. Idle files hold disk space and page cache, not heap: the page cache is the
 * kernel's, outside the coordinator's resident set, and dirty pages of an unlinked file are written
 * out to the disk like any file's before the kernel reclaims them.
 */
final class Spool {
    static final String PREFIX = "push-";
    static final String SUFFIX = ".spool";

    private final Path dir;
    private final long memoryBytes;
    /** Bytes of the budget the uploads hold now. */
    private final AtomicLong held = new AtomicLong();
    private final SpoolFilePool files;

    Spool(Path dir, long memoryBytes, long keepBytes, Clock clock) {
        if (memoryBytes < 0) throw new IllegalArgumentException("spool memory budget must be >= 0 bytes, got " + memoryBytes);
        this.dir = dir;
        this.memoryBytes = memoryBytes;
        this.files = new SpoolFilePool(this::create, keepBytes, clock);
    }

    Spool(Path dir, long memoryBytes) {
        this(dir, memoryBytes, SpoolOptions.DEFAULT_KEEP, Clock.SYSTEM);
    }

    Spool(SpoolOptions options) {
        this(options.dir(), options.memoryBytes(), options.keepBytes(), Clock.SYSTEM);
    }

    Path dir() {
        return dir;
    }

    /** Takes up to {@code want} bytes of the budget; returns how many it got (what the other uploads leave). */
    long take(long want) {
        long[] got = new long[1];
        held.updateAndGet(used -> {
            got[0] = Math.max(0, Math.min(want, memoryBytes - used));
            return used + got[0];
        });
        return got[0];
    }

    /** Gives back {@code bytes} that {@link #take} gave. */
    void giveBack(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes of the budget the uploads hold now. */
    long held() {
        return held.get();
    }

    /**
     * A spool file for one upload, open for reading and writing, unlinked, positioned at 0: one an
     * earlier upload gave back, else a new one (on failure nothing is left behind). Its bytes past
     * what the upload writes are stale. Give it back with {@link #giveBack(FileChannel)}.
     */
    FileChannel open() throws IOException {
        return files.take();
    }

    private FileChannel create() throws IOException {
        Files.createDirectories(dir);
        return UnlinkedFiles.create(dir, PREFIX, SUFFIX);
    }

    /**
     * Takes back the spool file of an upload that is done with it: kept for another upload or
     * closed (its space freed), as the idle bound allows.
     *
     * @throws IOException if it (or an idle file past its time) could not be truncated or closed
     */
    void giveBack(FileChannel file) throws IOException {
        files.giveBack(file);
    }

    /** The idle spool files, for the tests. */
    SpoolFilePool files() {
        return files;
    }

    /** Closes the idle spool files (the coordinator stops); files given back later are closed too. */
    void close() throws IOException {
        files.close();
    }

    /**
     * Deletes the spool files left in the directory (by a coordinator killed between creating one
     * and unlinking it, or by an older version that unlinked them only when done); returns how many.
     * Safe while another coordinator uses the directory: its files have no names (one caught in its
     * instant fails to open, and the worker retries that upload).
     */
    int sweep() throws IOException {
        return UnlinkedFiles.sweep(dir, PREFIX, SUFFIX);
    }
}
