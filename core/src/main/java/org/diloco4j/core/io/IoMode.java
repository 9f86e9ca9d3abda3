package org.diloco4j.core.io;

import java.util.Locale;

/**
 * How checkpoint files meet the disk. {@link #DIRECT} (the default) opens them with O_DIRECT and
 * moves whole aligned blocks, past the page cache: at 1B parameters the kernel's copying into the
 * cache and flushing it out, not the disk, was what a 12 GB checkpoint waited on
 * (docs/bench/checkpoint-direct.md). Where a filesystem refuses O_DIRECT the file is written and
 * read buffered anyway. {@link #BUFFERED} always goes through the page cache (the system property
 * {@value #PROPERTY}{@code =buffered}), for comparison.
 */
enum IoMode {
    DIRECT, BUFFERED;

    /** The system property that chooses the mode: {@code direct} or {@code buffered}. */
    static final String PROPERTY = "diloco4j.checkpoint.io";

    /**
     * The mode the system property names, {@link #DIRECT} if it is not set; a value that names no
     * mode is warned about (one line) and {@link #DIRECT} used: a typo must not fail a checkpoint
     * hours into a run.
     */
    static IoMode configured() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) return DIRECT;
        try {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.getLogger(IoMode.class.getName()).log(System.Logger.Level.WARNING,
                    "-D" + PROPERTY + "=" + v + " is not a checkpoint I/O mode (direct or buffered): using direct");
            return DIRECT;
        }
    }
}
