package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Snapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThetaStoreTest {
    static Snapshot snap(long version, int fragment, float value) {
        float[] v = new float[100];
        java.util.Arrays.fill(v, value);
        return new Snapshot(version, fragment, v.length, v);
    }

    @Test
    void oneEntryPerFragmentAndVersionSharedByItsHolders() {
        ThetaStore s = new ThetaStore(Codecs.parse("fp32"), 0, r -> { });
        ThetaStore.Entry a = s.acquire(snap(3, -1, 1f));
        ThetaStore.Entry b = s.acquire(snap(3, -1, 1f));
        ThetaStore.Entry c = s.acquire(snap(3, 0, 1f));
        assertThat(b).isSameAs(a);
        assertThat(c).isNotSameAs(a);
        assertThat(s.held()).isEqualTo(2);
        s.release(a.id);
        assertThat(s.get(a.id)).isNotNull();
        s.release(a.id);
        // Nobody holds it and the cache is empty: gone.
        assertThat(s.get(a.id)).isNull();
        assertThat(s.get(c.id)).isNotNull();
    }

    @Test
    void encodesOnceAndDecodesToTheSnapshot() {
        ThetaStore s = new ThetaStore(Codecs.parse("fp32"), 0, r -> { });
        ThetaStore.Entry e = s.acquire(snap(1, -1, 0.25f));
        byte[] first = e.encoded(s.codec());
        assertThat(e.encoded(s.codec())).isSameAs(first);
        assertThat(first.length).isEqualTo(e.encodedBytes);
        assertThat(Codecs.parse("fp32").decode(first, 100)).containsOnly(0.25f);
    }

    @Test
    void releasedEntriesStayCachedUpToTheLimitOldestDroppedFirst() {
        long each = Codecs.parse("fp32").encodedSize(100);
        ThetaStore s = new ThetaStore(Codecs.parse("fp32"), 2 * each, Runnable::run);
        ThetaStore.Entry[] e = new ThetaStore.Entry[3];
        for (int i = 0; i < 3; i++) {
            e[i] = s.acquire(snap(i, -1, i));
            e[i].encoded(s.codec());
        }
        for (int i = 0; i < 3; i++) s.release(e[i].id);
        assertThat(s.get(e[0].id)).isNull();
        assertThat(s.get(e[1].id)).isNotNull();
        assertThat(s.get(e[2].id)).isNotNull();
        // Held again: out of the cache, so it survives later evictions.
        assertThat(s.acquire(snap(1, -1, 1f))).isSameAs(e[1]);
        assertThat(s.held()).isEqualTo(1);
    }

    @Test
    void theCacheAccountsTheSameBytesOutAsInWhenEncodingFinishesInBetween() {
        var fp16 = Codecs.parse("fp16");
        long each = fp16.encodedSize(100);
        // Room for three: nothing is evicted until the fourth.
        ThetaStore s = new ThetaStore(fp16, 3 * each, r -> { });
        ThetaStore.Entry a = s.acquire(snap(1, -1, 1f));
        s.release(a.id);
        assertThat(s.releasedBytes()).isEqualTo(each);
        a.encoded(s.codec());
        assertThat(s.acquire(snap(1, -1, 1f))).isSameAs(a);
        assertThat(s.releasedBytes()).isZero();

        // Released before it is encoded, evicted after.
        s.release(a.id);
        a.encoded(s.codec());
        for (int v = 2; v <= 4; v++) s.release(s.acquire(snap(v, -1, v)).id);
        assertThat(s.get(a.id)).isNull();
        assertThat(s.releasedBytes()).isEqualTo(3 * each);
        for (int v = 2; v <= 4; v++) s.acquire(snap(v, -1, v));
        assertThat(s.releasedBytes()).isZero();
    }
}
