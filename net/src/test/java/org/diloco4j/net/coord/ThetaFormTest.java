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
    void upToTheLimitThetaIsAdoptedAsItIs() {
        float[] a = values(16);
        Fp32Vector v = ThetaForm.of(a, 16);
        assertThat(v.shift()).isEqualTo(Fp32Vector.ONE_ARRAY_SHIFT);
        assertThat(v.chunk(0)).isSameAs(a);
        assertThat(ThetaForm.array(v)).as("one chunk: the array itself, no copy").isSameAs(a);
    }

    @Test
    void pastTheLimitThetaIsCopiedIntoChunksAndBackIntoOneArray() {
        float[] a = values(17);
        Fp32Vector v = ThetaForm.of(a, 16);
        assertThat(v.shift()).isEqualTo(Fp32Vector.DEFAULT_SHIFT);
        assertThat(v.chunk(0)).isNotSameAs(a);
        assertThat(ThetaForm.array(v)).isEqualTo(a);
        Fp32Vector two = Fp32Vector.copyOf(a, 3);
        assertThat(ThetaForm.array(two)).as("several chunks: a copy").isEqualTo(a);
    }

    @Test
    void aRestoreReadsThetaInTheFormAStartHoldsIt() {
        assertThat(ThetaForm.readShift(ThetaForm.ONE_ARRAY_MAX)).isEqualTo(Fp32Vector.ONE_ARRAY_SHIFT);
        assertThat(ThetaForm.readShift(ThetaForm.ONE_ARRAY_MAX + 1)).isEqualTo(Fp32Vector.DEFAULT_SHIFT);
        assertThat(ThetaForm.of(new float[0]).shift()).isEqualTo(Fp32Vector.ONE_ARRAY_SHIFT);
    }
}
