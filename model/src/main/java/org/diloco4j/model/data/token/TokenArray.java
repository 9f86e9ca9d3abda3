package org.diloco4j.model.data.token;

/** A read-only array of token ids, possibly larger than 2^31 and backed by a memory-mapped file. */
public interface TokenArray {
    long size();

    int get(long index);

    /** Copies tokens {@code [from, from+len)} into {@code dst[off, off+len)}. */
    default void copy(long from, int[] dst, int off, int len) {
        if (from < 0 || len < 0 || from + len > size()) {
            throw new IndexOutOfBoundsException("tokens [" + from + ", " + (from + len) + ") of " + size());
        }
        for (int i = 0; i < len; i++) dst[off + i] = get(from + i);
    }
}
