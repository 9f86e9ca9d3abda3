package org.diloco4j.core.codec;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * int8's runs of codes ({@link TableBlocks#run}) cover each block in order, and looking every value
 * up through the block's table ({@link TableBlocks#table}, scaled or not) at its run's byte gives
 * exactly what {@link BlockDecoder#decodeBlock} gives — for block lengths of every residue mod 4
 * (the last 0 to 3 values stand apart from the quarters).
 */
class TableRunsTest {
    @ParameterizedTest
    @ValueSource(ints = {256, 257, 258, 259, 1_000})
    void runsThroughTheTableDecodeEveryValue(int chunk) {
        Random r = new Random(chunk);
        float[] values = new float[3 * chunk + 3];
        for (int i = 0; i < values.length; i++) values[i] = (float) r.nextGaussian();
        Int8Codec codec = new Int8Codec(chunk);
        byte[] msg = codec.encode(values);
        TableBlocks blocks = (TableBlocks) codec.blocks();
        for (int b = 0; b < blocks.blocks(values.length); b++) {
            int m = Math.min(chunk, values.length - b * chunk);
            int off = (int) blocks.blockOffset(b);
            for (boolean scale : new boolean[] {false, true}) {
                float factor = 0.37f;
                float[] want = new float[m];
                if (scale) blocks.decodeBlock(b, msg, off, m, want, 0, factor);
                else blocks.decodeBlock(b, msg, off, m, want, 0);
                float[] table = new float[TableBlocks.BINS];
                blocks.table(b, msg, off, m, factor, scale, table);
                float[] got = new float[m];
                int v = 0;
                while (v < m) {
                    TableBlocks.CodeRun run = blocks.run(m, v);
                    assertThat(run.end()).isGreaterThan(v).isLessThanOrEqualTo(m);
                    for (int i = v; i < run.end(); i++) got[i] = table[msg[off + run.first() + (i - v) * run.stride()] & 0xFF];
                    v = run.end();
                }
                assertThat(got).as("block %d, scaled %s", b, scale).isEqualTo(want);
            }
        }
    }
}
