package org.diloco4j.core.ingest;

import java.nio.ByteBuffer;

/**
 * The loop {@link ArrivalCounts} hands a block's code bytes to: {@link org.diloco4j.core.codec.CodeCounts#add}, or a
 * fake that sees which buffers reach it. Adds how many of {@code codes[from, to)} have each value to {@code counts[cOff, cOff + 256)}.
 */
@FunctionalInterface
interface CodeCounter {
    void add(ByteBuffer codes, int from, int to, int[] counts, int cOff);
}
