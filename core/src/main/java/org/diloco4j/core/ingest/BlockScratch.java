package org.diloco4j.core.ingest;

/**
 * One thread's buffers for a block: its encoded bytes and its decoded values. Kept per thread and
 * reused, so ingesting a push allocates nothing in proportion to its size.
 */
final class BlockScratch {
    private static final ThreadLocal<BlockScratch> OF_THREAD = ThreadLocal.withInitial(BlockScratch::new);

    byte[] bytes = new byte[0];
    float[] values = new float[0];

    /** This thread's scratch, with room for a block of {@code bytes} encoded bytes and {@code values} values. */
    static BlockScratch of(int bytes, int values) {
        BlockScratch s = OF_THREAD.get();
        if (s.bytes.length < bytes) s.bytes = new byte[bytes];
        if (s.values.length < values) s.values = new float[values];
        return s;
    }
}
