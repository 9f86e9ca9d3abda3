package org.diloco4j.core.ingest;

import org.diloco4j.core.codec.BlockDecoder;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.TableBlocks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push norm written out from its definition, apart from the code under test, for a message and
 * its decoded (perhaps scaled) values: per block of the codec, Σ x² — four lanes, value j of the
 * block in lane j mod 4 but the last m mod 4 in lane 0, (l0 + l1) + (l2 + l3); for int8 Σ over codes
 * k = 0 … 255 of count_k · v_k², v_k the decoded value of the code's values — then the block sums in
 * block order, and the square root.
 */
final class BlockNorms {
    private BlockNorms() {
    }

    static double of(Codec codec, byte[] msg, float[] values) {
        BlockDecoder d = codec.blocks();
        double sum = 0;
        for (int b = 0, n = d.blocks(values.length); b < n; b++) {
            int lo = b * d.blockValues();
            int m = Math.min(d.blockValues(), values.length - lo);
            sum += d instanceof TableBlocks ? byCode(msg, (int) d.blockOffset(b) + 4 * TableBlocks.BINS, m, values, lo) : byLane(values, lo, m);
        }
        return Math.sqrt(sum);
    }

    private static double byLane(float[] v, int lo, int m) {
        double[] lane = new double[4];
        int full = m - m % 4;
        for (int j = 0; j < m; j++) lane[j < full ? j % 4 : 0] += (double) v[lo + j] * v[lo + j];
        return (lane[0] + lane[1]) + (lane[2] + lane[3]);
    }

    /** The codes start at msg[codes]: value j + k·g (g = ⌊m/4⌋) is byte 4j + k, the last m − 4g follow. */
    private static double byCode(byte[] msg, int codes, int m, float[] v, int lo) {
        int g = m / 4;
        int[] count = new int[TableBlocks.BINS];
        float[] value = new float[TableBlocks.BINS];
        for (int i = 0; i < m; i++) {
            int at = i < 4 * g ? 4 * (i % g) + i / g : i;
            int k = msg[codes + at] & 0xFF;
            if (count[k]++ == 0) value[k] = v[lo + i];
            else assertThat(v[lo + i]).as("every value of code %d", k).isEqualTo(value[k]);
        }
        double sum = 0;
        for (int k = 0; k < TableBlocks.BINS; k++) sum += count[k] * ((double) value[k] * value[k]);
        return sum;
    }
}
