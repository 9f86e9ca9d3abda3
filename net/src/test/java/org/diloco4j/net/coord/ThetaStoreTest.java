package org.diloco4j.net.coord;

import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Encoded snapshots of θ within a byte budget: exact ones held for their members, newest ones shared at pull time. */
class ThetaStoreTest {
    static final int FLOATS = 100;
    static final long EACH = Codecs.parse("fp32").encodedSize(FLOATS);

    static Snapshot snap(long version, int fragment, float value) {
        float[] v = new float[FLOATS];
        Arrays.fill(v, value);
        return new Snapshot(version, fragment, v.length, v);
    }

    static float[] theta(float value) {
        float[] v = new float[FLOATS];
        Arrays.fill(v, value);
        return v;
    }

    /** All the bytes of {@code e}, as a pull reads them. */
    static byte[] all(ThetaStore.Entry e) throws java.io.IOException {
        return e.slice(0, Math.toIntExact(e.length)).toByteArray();
    }

    static ThetaStore store(long budget) {
        return new ThetaStore(Codecs.parse("fp32"), budget);
    }

    @Test
    void oneExactEntryPerFragmentAndVersionSharedByItsHolders() {
        ThetaStore s = store(0);
        ThetaStore.Entry a = s.acquire(snap(3, -1, 1f));
        ThetaStore.Entry b = s.acquire(snap(3, -1, 1f));
        ThetaStore.Entry c = s.acquire(snap(3, 0, 1f));
        assertThat(b).isSameAs(a);
        assertThat(c).isNotSameAs(a);
        assertThat(s.inUse()).isEqualTo(2);
        s.release(a.id);
        assertThat(kept(s, a.id)).isTrue();
        s.release(a.id);
        // Nobody holds it and the budget is empty: gone.
        assertThat(kept(s, a.id)).isFalse();
        assertThat(kept(s, c.id)).isTrue();
    }

    @Test
    void encodesAtOnceFromTheValuesGiven() throws Exception {
        ThetaStore s = store(0);
        float[] live = theta(0.25f);
        ThetaStore.Entry e = s.acquire(new Snapshot(1, -1, FLOATS, live));
        Arrays.fill(live, 9f); // θ moves on after the event: the snapshot already holds v1
        assertThat(e.encodedBytes()).isEqualTo(EACH);
        assertThat(Codecs.parse("fp32").decode(all(e), FLOATS)).containsOnly(0.25f);
    }

    @Test
    void unusedSnapshotsStayWithinTheBudgetOldestDroppedFirst() {
        ThetaStore s = store(2 * EACH);
        ThetaStore.Entry[] e = new ThetaStore.Entry[3];
        for (int i = 0; i < 3; i++) e[i] = s.acquire(snap(i, -1, i));
        assertThat(s.bytes()).isEqualTo(3 * EACH); // held: made whatever the budget
        for (int i = 0; i < 3; i++) s.release(e[i].id);
        assertThat(kept(s, e[0].id)).isFalse();
        assertThat(kept(s, e[1].id)).isTrue();
        assertThat(kept(s, e[2].id)).isTrue();
        assertThat(s.bytes()).isEqualTo(2 * EACH);
        // Held again: it survives later drops.
        assertThat(s.acquire(snap(1, -1, 1f))).isSameAs(e[1]);
        assertThat(s.inUse()).isEqualTo(1);
    }

    @Test
    void theNewestSnapshotOfAtLeastTheOrderedVersionIsServed() throws Exception {
        ThetaStore s = store(3 * EACH);
        ThetaStore.Entry v5 = s.newest(5, () -> Fp32Vector.wrap(theta(5)), 5, () -> null);
        // v5 is kept and new enough for an order of v3: θ is not read (reading it would run a coordinator's waiting pass)
        ThetaStore.Entry again = s.newest(3, () -> {
            throw new AssertionError("θ read for a pull a kept snapshot serves");
        }, 7, () -> null);
        assertThat(again).isSameAs(v5);
        ThetaStore.Entry v7 = s.newest(6, () -> Fp32Vector.wrap(theta(7)), 7, () -> null);
        assertThat(v7.version).isEqualTo(7);
        assertThat(Codecs.parse("fp32").decode(all(v7), FLOATS)).containsOnly(7f);
        assertThat(s.newest(2, () -> Fp32Vector.wrap(theta(7)), 7, () -> null)).isSameAs(v7);
    }

    @Test
    void aFullBudgetOfPinnedSnapshotsMakesANewerPullWaitUntilOneEnds() {
        ThetaStore s = store(EACH);
        ThetaStore.Entry v1 = s.newest(1, () -> Fp32Vector.wrap(theta(1)), 1, () -> null);
        assertThat(s.newest(2, () -> Fp32Vector.wrap(theta(2)), 2, () -> null)).isNull();
        assertThat(s.count()).isEqualTo(1);
        s.unpin(v1);
        assertThat(kept(s, v1.id)).isTrue(); // unused, but within the budget: kept for retries
        ThetaStore.Entry v2 = s.newest(2, () -> Fp32Vector.wrap(theta(2)), 2, () -> null);
        assertThat(v2.version).isEqualTo(2);
        assertThat(kept(s, v1.id)).isFalse();
        assertThat(s.peakCount()).isEqualTo(1);
        assertThat(s.peakBytes()).isEqualTo(EACH);
    }

    @Test
    void oneSnapshotAlwaysFitsEvenIfTheBudgetIsSmaller() {
        ThetaStore s = store(EACH / 2);
        ThetaStore.Entry e = s.newest(0, () -> Fp32Vector.wrap(theta(0)), 0, () -> null);
        assertThat(e).isNotNull();
        assertThat(s.newest(1, () -> Fp32Vector.wrap(theta(1)), 1, () -> null)).isNull();
    }

    @Test
    void aResumedSnapshotIsPinnedWhileItLivesAndGoneAfter() {
        ThetaStore s = store(EACH);
        ThetaStore.Entry v1 = s.newest(1, () -> Fp32Vector.wrap(theta(1)), 1, () -> null);
        s.unpin(v1);
        assertThat(s.pin(v1.id)).isSameAs(v1);
        assertThat(s.newest(2, () -> Fp32Vector.wrap(theta(2)), 2, () -> null)).isNull(); // pinned by the resumed pull
        s.unpin(v1);
        s.unpin(s.newest(2, () -> Fp32Vector.wrap(theta(2)), 2, () -> null));
        assertThat(s.pin(v1.id)).isNull();
        assertThatThrownBy(() -> s.unpin(v1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aThetaTheCodecCannotCarryIsNotEncoded() {
        ThetaStore s = store(EACH);
        assertThatThrownBy(() -> s.newest(0, () -> Fp32Vector.wrap(theta(1)), 0, () -> "θ holds Infinity at index 3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 3");
        assertThat(s.count()).isZero();
    }

    /** Whether {@code s} still keeps snapshot {@code id} (looked up by pinning it, and unpinned at once). */
    static boolean kept(ThetaStore s, long id) {
        ThetaStore.Entry e = s.pin(id);
        if (e != null) s.unpin(e);
        return e != null;
    }

    @Test
    void aDroppedSnapshotLetsGoOfItsBytesBeforeTheNextIsMade() {
        // A finished pull's task still refers to the entry it unpinned; at 1B its 2 GB must not stay
        // reachable through it while the next snapshot is allocated (two do not fit the memory bound).
        ThetaStore s = store(EACH);
        ThetaStore.Entry v1 = s.newest(1, () -> Fp32Vector.wrap(theta(1)), 1, () -> null);
        s.unpin(v1);
        ThetaStore.Entry v2 = s.newest(2, () -> Fp32Vector.wrap(theta(2)), 2, () -> null);
        assertThat(v1.released()).isTrue();
        assertThat(v1.encodedBytes()).isEqualTo(EACH);
        assertThat(v2.released()).isFalse();
    }
}
