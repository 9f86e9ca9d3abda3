package org.diloco4j.net.coord;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The snapshot budget: 2 bytes per parameter, within the cap and a quarter of the heap, never less than one θ. */
class ThetaCacheSizeTest {
    static final long MIB = 1 << 20;
    static final long GIB = 1L << 30;
    static final long CAP = 256 * MIB;

    @Test
    void halfAnFp32ThetaIsTheShareOfTheMemoryBound() {
        // 100M parameters, bf16 θ of 200 MB: one snapshot, not the 256 MiB cap.
        long params = 100_000_000;
        assertThat(ThetaCacheSize.bytes(CAP, 64 * GIB, 2 * params + 8, params)).isEqualTo(2 * params + 8);
        // 10M parameters: 20 MB = about 1 bf16 θ.
        assertThat(ThetaCacheSize.bytes(CAP, 64 * GIB, 10 * MIB, 10_000_000)).isEqualTo(20_000_000);
    }

    @Test
    void aSmallHeapGetsAQuarterOfItNotTheCap() {
        assertThat(ThetaCacheSize.bytes(CAP, 192 * MIB, 2 * MIB, 1L << 40)).isEqualTo(48 * MIB);
        assertThat(ThetaCacheSize.bytes(CAP, 8192 * MIB, 2 * MIB, 1L << 40)).isEqualTo(CAP);
    }

    @Test
    void neverLessThanOneWholeTheta() {
        // 1B parameters, bf16: the cap says 256 MiB, one θ is 2 GB.
        assertThat(ThetaCacheSize.bytes(CAP, 16 * GIB, 2_000_000_008L, 1_000_000_000)).isEqualTo(2_000_000_008L);
        // fp32 θ is 4 bytes per parameter, more than the 2 the bound leaves: one snapshot anyway.
        assertThat(ThetaCacheSize.bytes(CAP, 64 * GIB, 4 * MIB + 8, MIB)).isEqualTo(4 * MIB + 8);
        assertThat(ThetaCacheSize.bytes(0, 64 * MIB, 3 * MIB, MIB)).isEqualTo(3 * MIB);
    }

    @Test
    void nonsenseIsRefusedNamingTheFigures() {
        assertThatThrownBy(() -> ThetaCacheSize.bytes(CAP, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heap > 0");
    }
}
