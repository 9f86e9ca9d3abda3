package org.diloco4j.app.run;

/**
 * Where the progress line is shown: a terminal of some width, which is redrawn in place, or not a
 * terminal at all (a log file, a pipe, CI), which gets plain lines.
 */
public interface Screen {
    /** Not a terminal. */
    Screen NONE = () -> 0;

    /** Columns of the terminal now (it may be resized), or 0 when the output is not a terminal. */
    int columns();

    default boolean terminal() {
        return columns() > 0;
    }

    /** A terminal that is always {@code columns} wide. */
    static Screen ofColumns(int columns) {
        if (columns < 1) throw new IllegalArgumentException("a terminal has at least 1 column, got " + columns);
        return () -> columns;
    }
}
