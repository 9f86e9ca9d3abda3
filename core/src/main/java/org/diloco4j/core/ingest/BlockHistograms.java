package org.diloco4j.core.ingest;

import org.diloco4j.core.codec.BlockDecoder;
import org.diloco4j.core.codec.TableBlocks;

/**
 * What a table codec's message of {@code len} values holds, per block, for its norm: from
 * {@code 256·b}, how many of block b's values have each code and its table
 * ({@link TableBlocks#histogram}), and the message's header. Counted by {@link StreamedDelta#scan}
 * reading the message, or as its bytes arrived ({@link ArrivalCounts}); either way the same numbers.
 *
 * @param layout the codec's blocks they were counted by
 */
public record BlockHistograms(TableBlocks layout, int len, byte[] header, int[] counts, float[] tables) {
    /** Whether these were counted for a message of {@code len} values of {@code decoder}'s layout. */
    public boolean fits(BlockDecoder decoder, int len) {
        return layout.equals(decoder) && this.len == len && header.length == decoder.headerBytes()
                && counts.length == (long) decoder.blocks(len) * TableBlocks.BINS && tables.length == counts.length;
    }

    /** Block b's Σ x_i² ({@link TableBlocks#squares}). */
    double squares(int b, float factor, boolean scale) {
        return TableBlocks.squares(counts, b * TableBlocks.BINS, tables, b * TableBlocks.BINS, factor, scale);
    }
}
