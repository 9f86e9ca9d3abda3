package org.diloco4j.core.params;

/** A contiguous run {@code [start, start + length)} of the flat parameter vector, in floats. */
public record Range(int start, int length) {
    public Range {
        if (start < 0 || length < 0 || (long) start + length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad range start=" + start + " length=" + length);
        }
    }

    public int end() {
        return start + length;
    }
}
