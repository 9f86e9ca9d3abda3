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
 */
public record SpoolOptions(Path dir, boolean own, long memoryBytes) {
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

    public SpoolOptions {
        if (dir == null) throw new IllegalArgumentException("the spool directory is required");
        if (memoryBytes < 0) throw new IllegalArgumentException(MEMORY_PROPERTY + " = " + memoryBytes + ": must be >= 0 bytes");
    }

    /** The shared temporary directory, not swept, and the default budget. */
    public static SpoolOptions defaults() {
        return new SpoolOptions(Path.of(System.getProperty("java.io.tmpdir")), false, DEFAULT_MEMORY);
    }

    /** A directory of the coordinator's own (swept at start) and a budget of {@code memoryBytes}. */
    public static SpoolOptions in(Path dir, long memoryBytes) {
        return new SpoolOptions(dir, true, memoryBytes);
    }

    /**
     * From the system properties {@value #DIR_PROPERTY} and {@value #MEMORY_PROPERTY}, each
     * defaulting as {@link #defaults()}.
     *
     * @throws IllegalArgumentException naming the property and what it must be, for a budget that is not a whole number of bytes
     */
    public static SpoolOptions fromSystem() {
        String dir = System.getProperty(DIR_PROPERTY);
        String memory = System.getProperty(MEMORY_PROPERTY);
        long bytes;
        try {
            bytes = memory == null ? DEFAULT_MEMORY : Long.parseLong(memory.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MEMORY_PROPERTY + " = '" + memory + "': must be a whole number of bytes");
        }
        return dir == null ? new SpoolOptions(defaults().dir(), false, bytes) : in(Path.of(dir), bytes);
    }
}
