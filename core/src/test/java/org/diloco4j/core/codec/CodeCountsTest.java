package org.diloco4j.core.codec;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CodeCounts#add} against a byte-by-byte count (the other counting tests compare with histogram, which calls it too). */
class CodeCountsTest {
    /** Every start and length up to five words (the 8-byte loop and the byte tail), heap and direct, added to what the counts held. */
    @Test
    void countsEveryByteOfTheRangeOnly() {
        byte[] bytes = new byte[64];
        new Random(5).nextBytes(bytes);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        for (int from = 0; from < 9; from++) {
            for (int to = from; to <= from + 40; to++) {
                int[] want = new int[2 * TableBlocks.BINS];
                for (int k = 0; k < TableBlocks.BINS; k++) want[TableBlocks.BINS + k] = k;
                int[] heap = want.clone();
                int[] dir = want.clone();
                for (int i = from; i < to; i++) want[TableBlocks.BINS + (bytes[i] & 0xFF)]++;
                CodeCounts.add(ByteBuffer.wrap(bytes), from, to, heap, TableBlocks.BINS);
                CodeCounts.add(direct, from, to, dir, TableBlocks.BINS);
                assertThat(heap).as("heap [%d, %d)", from, to).isEqualTo(want);
                assertThat(dir).as("direct [%d, %d)", from, to).isEqualTo(want);
            }
        }
    }
}
