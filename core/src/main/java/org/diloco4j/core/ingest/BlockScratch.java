package org.diloco4j.core.ingest;

import org.diloco4j.core.codec.TableBlocks;

/**
 * One thread's buffers for a block: its encoded bytes, its decoded values and (table codecs) its
 * table, scaled as the step needs it. Kept per thread and
 * reused, so ingesting a push allocates nothing in proportion to its size.
 */
final class BlockScratch {
    private static final ThreadLocal<BlockScratch> OF_THREAD = ThreadLocal.withInitial(BlockScratch::new);
    /** The second message's block when two are applied in one pass ({@code StreamedDelta#applyPair}). */
    private static final ThreadLocal<BlockScratch> SECOND_OF_THREAD = ThreadLocal.withInitial(BlockScratch::new);
    /** The third message's block when three are applied in one pass ({@code StreamedDelta#applyTriple}). */
    private static final ThreadLocal<BlockScratch> THIRD_OF_THREAD = ThreadLocal.withInitial(BlockScratch::new);

    byte[] bytes = new byte[0];
    float[] values = new float[0];
    final float[] table = new float[TableBlocks.BINS];

    /** This thread's scratch, with room for a block of {@code bytes} encoded bytes and {@code values} values. */
    static BlockScratch of(int bytes, int values) {
        return sized(OF_THREAD.get(), bytes, values);
    }

    /** This thread's second scratch (another message's block beside {@link #of}'s), as {@link #of}. */
    static BlockScratch second(int bytes, int values) {
        return sized(SECOND_OF_THREAD.get(), bytes, values);
    }

    /** This thread's third scratch, as {@link #of}. */
    static BlockScratch third(int bytes, int values) {
        return sized(THIRD_OF_THREAD.get(), bytes, values);
    }

    private static BlockScratch sized(BlockScratch s, int bytes, int values) {
        if (s.bytes.length < bytes) s.bytes = new byte[bytes];
        if (s.values.length < values) s.values = new float[values];
        return s;
    }
}
