package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codecs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The θ cache follows the heap: the fixed 256 MiB killed a coordinator under -Xmx192m (docs/bench/soak.md). */
class ThetaCacheSizeTest {
    static final long MIB = 1 << 20;
    static final long CAP = 256 * MIB;

    @Test
    void aSmallHeapGetsAQuarterOfItNotTheCap() {
        assertThat(ThetaCacheSize.bytes(CAP, 192 * MIB, 2 * MIB)).isEqualTo(48 * MIB);
        assertThat(ThetaCacheSize.bytes(CAP, 512 * MIB, 2 * MIB)).isEqualTo(128 * MIB);
    }

    @Test
    void aLargeHeapKeepsTheConfiguredCap() {
        assertThat(ThetaCacheSize.bytes(CAP, 8192 * MIB, 2 * MIB)).isEqualTo(CAP);
        assertThat(ThetaCacheSize.bytes(0, 8192 * MIB, 0)).isZero();
    }

    @Test
    void neverLessThanOneWholeTheta() {
        assertThat(ThetaCacheSize.bytes(CAP, 64 * MIB, 40 * MIB)).isEqualTo(40 * MIB);
        assertThat(ThetaCacheSize.bytes(0, 64 * MIB, 3 * MIB)).isEqualTo(3 * MIB);
    }

    @Test
    void nonsenseIsRefusedNamingTheFigures() {
        assertThatThrownBy(() -> ThetaCacheSize.bytes(CAP, 0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heap > 0");
    }

    /** What died before: versions of θ released one after the other under a 192 MiB heap. */
    @Test
    void theStoreUnderA192MiBHeapHoldsAtMostAQuarterOfIt() {
        var bf16 = Codecs.parse("bf16");
        int floats = 834_000;
        long one = bf16.encodedSize(floats);
        long limit = ThetaCacheSize.bytes(RuntimeOptions.defaults().thetaCacheBytes(), 192 * MIB, one);
        ThetaStore s = new ThetaStore(bf16, limit, Runnable::run);
        long most = 0;
        for (int v = 0; v < 200; v++) {
            s.release(s.acquire(new org.diloco4j.core.coord.Snapshot(v, -1, floats, new float[floats])).id);
            most = Math.max(most, s.releasedBytes());
        }
        assertThat(most).isLessThanOrEqualTo(192 * MIB / 4).isGreaterThan(192 * MIB / 4 - one);
    }

    @Test
    void theFloorKeepsThePreviousThetaForARetriedPull() {
        var fp32 = Codecs.parse("fp32");
        long one = fp32.encodedSize(100);
        ThetaStore s = new ThetaStore(fp32, ThetaCacheSize.bytes(0, 64 * MIB, one), r -> { });
        ThetaStore.Entry first = s.acquire(ThetaStoreTest.snap(1, -1, 1f));
        s.release(first.id);
        assertThat(s.get(first.id)).isNotNull();
        ThetaStore.Entry second = s.acquire(ThetaStoreTest.snap(2, -1, 2f));
        s.release(second.id);
        assertThat(s.get(first.id)).isNull();
        assertThat(s.get(second.id)).isNotNull();
    }
}
