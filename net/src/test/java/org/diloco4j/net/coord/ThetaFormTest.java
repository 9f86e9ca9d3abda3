package org.diloco4j.net.coord;

import org.diloco4j.core.params.Fp32Vector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** θ₀ is adopted as one array up to the limit and copied into 2^26 chunks past it; a restore reads θ in the same form; the final θ comes back whole. */
class ThetaFormTest {
    private static float[] values(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i * 0.5f - 3;
        return a;
    }

    @Test
    void upToTheLimitThetaIsAdoptedAsItIsAndPastItCopiedIntoChunks() {
        float[] small = values(16), large = values(17);
        Fp32Vector one = ThetaForm.of(small, 16), chunked = ThetaForm.of(large, 16);
        assertThat(one.shift()).isEqualTo(Fp32Vector.ONE_ARRAY_SHIFT);
        assertThat(one.chunk(0)).isSameAs(small);
        assertThat(ThetaForm.array(one)).as("one chunk: the array itself, no copy").isSameAs(small);
        assertThat(chunked.shift()).isEqualTo(Fp32Vector.DEFAULT_SHIFT);
        assertThat(chunked.chunk(0)).isNotSameAs(large);
        assertThat(ThetaForm.array(chunked)).isEqualTo(large);
        assertThat(ThetaForm.array(Fp32Vector.copyOf(large, 3))).as("several chunks: a copy").isEqualTo(large);
    }

    @Test
    void aRestoreReadsThetaInTheFormAStartHoldsIt() {
        // A checkpoint's θ is read as the checksum pass read it: one array while one array holds it (a copy into chunks doubled the heap at 1B).
        assertThat(ThetaForm.readShift(ThetaForm.ONE_ARRAY_MAX + 1)).isEqualTo(Fp32Vector.ONE_ARRAY_SHIFT);
        assertThat(ThetaForm.readShift(org.diloco4j.core.params.Fp32Storage.MAX_VALUES)).isEqualTo(Fp32Vector.ONE_ARRAY_SHIFT);
        assertThat(ThetaForm.readShift(org.diloco4j.core.params.Fp32Storage.MAX_VALUES + 1L)).isEqualTo(Fp32Vector.DEFAULT_SHIFT);
        assertThat(ThetaForm.of(new float[0]).shift()).isEqualTo(Fp32Vector.ONE_ARRAY_SHIFT);
    }
}
