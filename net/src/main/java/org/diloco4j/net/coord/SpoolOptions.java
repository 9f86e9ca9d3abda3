package org.diloco4j.net.coord;

import java.nio.file.Path;

/**
 * Where uploads wait until the coordinator applies them ({@link Spool}), read once at start and
 * used by both the spool and the {@link MemoryBound}.
 *
 * @param dir         the directory of the spool files
 * @param own         whether {@code dir} was named for the coordinator (then files left in it are
 *                    swept at start); the shared temporary directory is not swept
 * @param memoryBytes the uploads' in-memory budget, shared by all members: what does not fit waits
 *                    in a spool file (the page cache, not the heap)
 * @param keepBytes   the most bytes the spool files no upload holds keep for the next uploads
 *                    ({@link SpoolFilePool}): disk space, and page cache while the kernel keeps it
 *                    (not the coordinator's resident set); 0 closes every file when its upload is done
 */
public record SpoolOptions(Path dir, boolean own, long memoryBytes, long keepBytes) {
    /** The system property naming the directory (set with DILOCO_JAVA_OPTS=-Ddiloco.spool.dir=…). */
    public static final String DIR_PROPERTY = "diloco.spool.dir";
    /** The system property of the in-memory budget, in bytes. */
    public static final String MEMORY_PROPERTY = "diloco.spool.memory";
    /**
     * 32 MiB for all members together: one 25M-parameter int8 upload, and every upload in flight of
     * 16 workers of a model up to ~1M parameters. At the 16 × 25M benchmark a 64 MiB allowance per
     * member held 0.3–0.5 GB of uploads waiting for the event loop in the heap; spooling them instead
     * costs ~0.3–0.5 CPU-s per GB more in the gRPC threads (docs/bench/coordinator-throughput.md).
     */
    public static final long DEFAULT_MEMORY = 32L << 20;
    /** The system property of the idle spool files' bound, in bytes. */
    public static final String KEEP_PROPERTY = "diloco.spool.keep";
    /**
     * 8 GiB: every upload in flight of the issue-14 benchmark, 8 workers × a 1B-parameter int8 push, so
     * each is written into a file a finished push gave back rather than a new one. It holds no more
     * than those uploads held while in flight; a file idle a minute or more is closed when the next
     * upload takes or gives back a file ({@link SpoolFilePool}); with no upload after, at the server's close.
     */
    public static final long DEFAULT_KEEP = 8L << 30;

    public SpoolOptions {
        if (dir == null) throw new IllegalArgumentException("the spool directory is required");
        if (memoryBytes < 0) throw new IllegalArgumentException(MEMORY_PROPERTY + " = " + memoryBytes + ": must be >= 0 bytes");
        if (keepBytes < 0) throw new IllegalArgumentException(KEEP_PROPERTY + " = " + keepBytes + ": must be >= 0 bytes");
    }

    /** The shared temporary directory, not swept, and the default budget and idle bound. */
    public static SpoolOptions defaults() {
        return new SpoolOptions(Path.of(System.getProperty("java.io.tmpdir")), false, DEFAULT_MEMORY, DEFAULT_KEEP);
    }

    /** A directory of the coordinator's own (swept at start), a budget of {@code memoryBytes} and the default idle bound. */
    public static SpoolOptions in(Path dir, long memoryBytes) {
        return new SpoolOptions(dir, true, memoryBytes, DEFAULT_KEEP);
    }

    /** The same options with idle spool files bounded to {@code bytes}. */
    public SpoolOptions keeping(long bytes) {
        return new SpoolOptions(dir, own, memoryBytes, bytes);
    }

    /**
     * From the system properties {@value #DIR_PROPERTY}, {@value #MEMORY_PROPERTY} and {@value #KEEP_PROPERTY},
     * each defaulting as {@link #defaults()}.
     *
     * @throws IllegalArgumentException naming the property and what it must be, for a size that is not a whole number of bytes
     */
    public static SpoolOptions fromSystem() {
        String dir = System.getProperty(DIR_PROPERTY);
        long memory = bytes(MEMORY_PROPERTY, DEFAULT_MEMORY);
        long keep = bytes(KEEP_PROPERTY, DEFAULT_KEEP);
        return dir == null ? new SpoolOptions(defaults().dir(), false, memory, keep) : in(Path.of(dir), memory).keeping(keep);
    }

    private static long bytes(String property, long otherwise) {
        String value = System.getProperty(property);
        try {
            return value == null ? otherwise : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " = '" + value + "': must be a whole number of bytes");
        }
    }
}
