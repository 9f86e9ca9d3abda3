package org.diloco4j.net.coord;

import java.util.Locale;

/**
 * Where the encoded θ snapshots workers pull are kept ({@link ThetaStore}, {@link SnapshotStorage}).
 * {@link #AUTO} lets the coordinator's memory bound choose ({@link MemoryBound#place()}): on the heap
 * when the heap holds them beside θ and the optimizer's state, else in files.
 */
public enum SnapshotPlace {
    /** Heap if it holds the snapshots, else files; refused at start if the heap holds neither. */
    AUTO,
    /** In byte arrays on the Java heap: pulls send slices of them, no copy. */
    HEAP,
    /**
     * In files in the spool directory ({@link SpoolOptions#dir()}): their pages are in the OS page
     * cache, not in the process's resident set, and the kernel may evict them; pulls read them back
     * with positional reads, one copy through the kernel per chunk sent.
     */
    FILE;

    /** The name in the run config and on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static SnapshotPlace parse(String id) {
        for (SnapshotPlace p : values()) if (p.id().equals(id)) return p;
        throw new IllegalArgumentException("θ snapshot place '" + id + "': must be auto, heap or file");
    }
}
