package org.diloco4j.core.codec;

/**
 * Block decoding for codecs whose block is a table of {@value #BINS} fp32 values and one byte code
 * per value (int8): a block's sum of squares, and the finiteness of its values, follow from the
 * table and how often each code occurs — counting bytes, not adding a double per value — and the
 * counts answer again for any scaling of the table, without reading the codes a second time.
 * A block's codes lie in runs of fixed stride ({@link #run}), so a receiver can look each value up
 * in the (scaled) table where it uses it, without decoding the block into a buffer first.
 * A block of m values is its table ({@code blockBytes(0)} bytes), then one code byte per value
 * ({@code blockBytes(m) = blockBytes(0) + m}), so the codes can be counted as they arrive, in any
 * pieces ({@link CodeCounts}), and {@link #table} of a block with m = 0 reads its table alone.
 */
public interface TableBlocks extends BlockDecoder {
    int BINS = 256;

    /**
     * Block {@code b}'s table, from {@code bytes[off, off + blockBytes(m))}, into {@code table[0, 256)},
     * each entry times {@code factor} (rounded to fp32) if {@code scale}: entry k is then exactly the
     * value every code k of the block decodes to, with {@link #decodeBlock} (scaled or not). Not checked.
     */
    void table(int b, byte[] bytes, int off, int m, float factor, boolean scale, float[] table);

    /**
     * Where the codes of a block's values lie, from value {@code v} of a block of {@code m} on: the
     * code of value {@code v + i} is byte {@code first + i·stride} of the block, for
     * {@code v + i < end}. Runs from 0 cover a block in order.
     */
    record CodeRun(int first, int stride, int end) {
    }

    /** The run of codes that starts at value {@code v} (0 ≤ v &lt; m) of a block of {@code m} values. */
    CodeRun run(int m, int v);

    /**
     * Block {@code b}'s table into {@code table[tOff, tOff + 256)} and how many of its {@code m}
     * values have each code into {@code counts[cOff, cOff + 256)}, from
     * {@code bytes[off, off + blockBytes(m))}. The table is not checked: a non-finite entry makes
     * {@link #squares} non-finite exactly when a value uses it.
     */
    void histogram(int b, byte[] bytes, int off, int m, int[] counts, int cOff, float[] table, int tOff);

    /**
     * A table block's Σ x_i², as the push norm defines it: Σ over codes k = 0 … 255 in that order of
     * count_k · t_k², in double, where t_k is the table entry (times {@code factor}, rounded to fp32,
     * if {@code scale}: exactly the value decoding with that factor gives) and t_k² its exact double
     * square; codes that do not occur add nothing (so a non-finite entry no value uses is harmless,
     * and one a value uses makes the sum non-finite).
     */
    static double squares(int[] counts, int cOff, float[] table, int tOff, float factor, boolean scale) {
        double sum = 0;
        for (int k = 0; k < BINS; k++) {
            int c = counts[cOff + k];
            if (c == 0) continue;
            float t = scale ? table[tOff + k] * factor : table[tOff + k];
            sum += c * ((double) t * t);
        }
        return sum;
    }
}
