package org.diloco4j.core.io;

import java.util.Locale;
import java.util.function.Consumer;

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
     * The mode the system property named when this was first asked (once per process: every
     * checkpoint written or read asks, and a misspelt value is warned about once, not per checkpoint).
     */
    static IoMode configured() {
        return Configured.MODE;
    }

    /**
     * The mode {@code value} names, {@link #DIRECT} if it is null or blank; a value that names no
     * mode is reported to {@code warn} (one line) and {@link #DIRECT} used: a typo must not fail a
     * checkpoint hours into a run.
     */
    static IoMode parse(String value, Consumer<String> warn) {
        if (value == null || value.isBlank()) return DIRECT;
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            warn.accept("-D" + PROPERTY + "=" + value + " is not a checkpoint I/O mode (direct or buffered): using direct");
            return DIRECT;
        }
    }

    /** The property read once, when {@link #configured} is first called (the holder idiom: lazy, thread-safe). */
    private static final class Configured {
        static final IoMode MODE = parse(System.getProperty(PROPERTY),
                warning -> System.getLogger(IoMode.class.getName()).log(System.Logger.Level.WARNING, warning));
    }
}
