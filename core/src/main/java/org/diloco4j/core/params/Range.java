package org.diloco4j.core.params;

/**
 * A contiguous run {@code [start, start + length)} of the flat parameter vector, in floats. Long, so
 * a layout beyond 2^31 values can be described; {@link #arrayStart()} and {@link #arrayLength()}
 * give the same run as indices into a vector held in one {@code float[]} ({@link Fp32Storage}).
 */
public record Range(long start, long length) {
    public Range {
        if (start < 0 || length < 0 || start > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("bad range start=" + start + " length=" + length);
        }
    }

    public long end() {
        return start + length;
    }

    /** {@link #start()} as an index into a {@code float[]}; throws if the vector cannot be one array. */
    public int arrayStart() {
        Fp32Storage.end(end());
        return (int) start;
    }

    /** {@link #end()} as an index into a {@code float[]}; throws if the vector cannot be one array. */
    public int arrayEnd() {
        return Fp32Storage.end(end());
    }

    /** {@link #length()} as a {@code float[]} length; throws if the vector cannot be one array. */
    public int arrayLength() {
        Fp32Storage.end(end());
        return (int) length;
    }
}
