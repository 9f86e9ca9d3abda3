package org.diloco4j.app.report;

import java.io.IOException;
import java.nio.file.Path;

/** A run directory file that does not follow docs/run-directory.md; the message names file, line and problem. */
public final class RunFormatException extends IOException {
    private final int line;

    /** @param line 1-based line number, or 0 when the problem is not tied to a line */
    public RunFormatException(Path file, int line, String problem) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem);
        this.line = line;
    }

    /** 1-based line number, 0 if not tied to a line. */
    public int line() {
        return line;
    }
}
