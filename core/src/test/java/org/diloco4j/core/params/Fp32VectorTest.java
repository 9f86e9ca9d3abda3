package org.diloco4j.core.params;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chunked fp32 vector: long index → (chunk, int offset), ranges cut at chunk boundaries, and the
 * same arithmetic at addresses past 2^31 and 2^32, checked without allocating them.
 */
class Fp32VectorTest {
    @Test
    void aRangeIsCutAtEveryChunkBoundaryItCrosses() {
        // Chunks of 1024: [1000, 3000) lies in chunks 0 (from 1000), 1 (all) and 2 (up to 3000 − 2048).
        assertThat(Fp32Vector.pieces(new Range(1000, 2000), 10)).containsExactly(
                new Fp32Vector.Piece(0, 1000, 24), new Fp32Vector.Piece(1, 0, 1024), new Fp32Vector.Piece(2, 0, 952));
        // Ending exactly on a boundary gives no empty piece; an empty range gives none.
        assertThat(Fp32Vector.pieces(new Range(1024, 1024), 10)).containsExactly(new Fp32Vector.Piece(1, 0, 1024));
        assertThat(Fp32Vector.pieces(new Range(5, 0), 10)).isEmpty();
    }

    @Test
    void everyValueIsWhereItsLongIndexSays() {
        int shift = 3;
        float[] a = TestVectors.gaussian(1, 61, 1);
        Fp32Vector v = Fp32Vector.copyOf(a, shift);
        assertThat(v.chunkCount()).isEqualTo(8);
        assertThat(v.chunk(7)).hasSize(61 - 7 * 8);
        for (int i = 0; i < a.length; i++) {
            assertThat(v.get(i)).isEqualTo(a[i]);
            assertThat(v.chunk(i >> shift)[i & 7]).as("value %d", i).isEqualTo(a[i]);
        }
        v.set(8, 42f);
        assertThat(v.chunk(1)[0]).isEqualTo(42f);
        a[8] = 42f;
        assertThat(v.toArray()).isEqualTo(a);
        // Every range of the vector, cut and read piece by piece, is the same run of values.
        for (int start = 0; start < 61; start++) {
            for (int len = 0; start + len <= 61; len++) {
                int at = start;
                for (Fp32Vector.Piece p : v.pieces(new Range(start, len))) {
                    for (int k = 0; k < p.length(); k++) assertThat(v.chunk(p.chunk())[p.offset() + k]).isEqualTo(a[at++]);
                }
                assertThat(at).isEqualTo(start + len);
            }
        }
    }

    @Test
    void chunkMathHoldsPast2To31And2To32WithoutAllocating() {
        long three = 3_000_000_000L;
        assertThat(Fp32Vector.chunkCount(three, 26)).isEqualTo(45); // ⌈3e9 / 2^26⌉ = ⌈44.7⌉
        assertThat(Fp32Vector.chunkLength(three, 26, 44)).isEqualTo((int) (three - 44L * (1 << 26)));
        assertThat(Fp32Vector.chunkLength(three, 26, 43)).isEqualTo(1 << 26);
        // A range ending past 2^31 that starts 100 below it: chunk 31's last 100 values, then chunk 32's first 200.
        long twoTo31 = 1L << 31;
        assertThat(Fp32Vector.pieces(new Range(twoTo31 - 100, 300), 26)).containsExactly(
                new Fp32Vector.Piece(31, (1 << 26) - 100, 100), new Fp32Vector.Piece(32, 0, 200));
        // Past 2^32 values (16 GiB of fp32): the offset is still the low 26 bits.
        long far = (1L << 32) + 5;
        List<Fp32Vector.Piece> p = Fp32Vector.pieces(new Range(far, (1 << 26) + 1), 26);
        assertThat(p).containsExactly(new Fp32Vector.Piece(64, 5, (1 << 26) - 5), new Fp32Vector.Piece(65, 0, 6));
        long total = 0;
        for (Fp32Vector.Piece q : Fp32Vector.pieces(new Range(7, three - 7), 26)) total += q.length();
        assertThat(total).isEqualTo(three - 7);
    }

    @Test
    void wrapAdoptsTheArrayAndArrayRefusesSeveralChunks() {
        float[] a = {1, 2, 3};
        Fp32Vector w = Fp32Vector.wrap(a);
        assertThat(w.array()).isSameAs(a);
        assertThat(w.chunk(0)).isSameAs(a);
        w.set(2, 9f);
        assertThat(a[2]).isEqualTo(9f);
        assertThat(w.pieces(new Range(0, 3))).containsExactly(new Fp32Vector.Piece(0, 0, 3));
        assertThatThrownBy(() -> Fp32Vector.zeros(5, 1).array()).isInstanceOf(IllegalStateException.class)
                .hasMessage("an fp32 vector of 5 values in 3 chunks is not one float[]; this path needs a vector held in one array (at most 2^31 - 9 values)");
    }

    @Test
    void badShiftsAndChunkLengthsAreRefused() {
        assertThatThrownBy(() -> Fp32Vector.zeros(5, 27)).hasMessage("chunk shift 27 is outside [1, 26] (chunks of 2 to 2^26 values)");
        assertThatThrownBy(() -> Fp32Vector.of(5, 2, new float[][] {new float[4], new float[2]}))
                .hasMessage("chunk 1 has 2 values, expected 1");
        assertThatThrownBy(() -> Fp32Vector.zeros(5, 2).pieces(new Range(3, 3))).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
