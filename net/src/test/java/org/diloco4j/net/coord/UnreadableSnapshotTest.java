package org.diloco4j.net.coord;

import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A snapshot file that cannot be read (a bad disk, a channel closed under it) is not served again
 * as it is: the entry is marked broken and encoded again from θ for the next pull while θ is at its
 * version; otherwise the pull is answered as for a dropped snapshot. An interrupted reading thread
 * does not close the file every pull of the snapshot shares.
 */
class UnreadableSnapshotTest {
    static final int FLOATS = FileSnapshotsTest.FLOATS;
    final Codec bf16 = Codecs.parse("bf16");
    @TempDir
    Path dir;
    /** The channel whose reads fail: the first snapshot file written. */
    final AtomicReference<FileChannel> bad = new AtomicReference<>();
    final FileSnapshots.Disk failingReads = new FileSnapshots.Disk() {
        public int write(FileChannel channel, ByteBuffer from, long position) throws IOException {
            bad.compareAndSet(null, channel);
            return channel.write(from, position);
        }

        public int read(FileChannel channel, ByteBuffer into, long position) throws IOException {
            if (channel == bad.get()) throw new IOException("Input/output error");
            return channel.read(into, position);
        }
    };
    ThetaStore store;

    @AfterEach
    void close() {
        if (store != null) store.close();
    }

    @Test
    void aHeldSnapshotWhoseFileCannotBeReadIsEncodedAgainForTheNextPullOfItsTheta() throws Exception {
        store = new ThetaStore(bf16, 4 * bf16.encodedSize(FLOATS), new FileSnapshots(dir, failingReads));
        float[] theta = FileSnapshotsTest.theta(1);
        ThetaStore.Entry e = store.acquire(new Snapshot(7, -1, FLOATS, theta));
        store.pin(e.id);
        assertThatThrownBy(() -> ThetaStoreTest.all(e)).hasMessage("Input/output error");
        store.unpin(e);
        assertThat(e.broken()).isTrue();

        // The member retries: θ is still at v7, so the snapshot is written again under the same id.
        assertThat(store.pin(e.id, () -> Fp32Vector.wrap(theta), 7)).isSameAs(e);
        assertThat(e.broken()).isFalse();
        byte[] bytes = ThetaStoreTest.all(e);
        assertThat(bytes).isEqualTo(bf16.encode(theta));
        assertThat(e.crc()).isEqualTo(FileSnapshotsTest.crc32c(bytes));
        store.unpin(e);
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void aBrokenSnapshotOfAThetaThatMovedOnIsAnsweredAsGoneAndTheNextOrderMakesItAgain() throws Exception {
        store = new ThetaStore(bf16, 4 * bf16.encodedSize(FLOATS), new FileSnapshots(dir, failingReads));
        float[] theta = FileSnapshotsTest.theta(1);
        ThetaStore.Entry e = store.acquire(new Snapshot(7, -1, FLOATS, theta));
        assertThatThrownBy(() -> ThetaStoreTest.all(e)).isInstanceOf(IOException.class);

        assertThat(store.pin(e.id, () -> Fp32Vector.wrap(FileSnapshotsTest.theta(2)), 8)).as("θ is at v8 now: v7 cannot be made again").isNull();
        assertThat(store.pin(e.id)).as("nothing to make it from").isNull();
        // Another member's order of v7 (θ still there, say, as the order's copy): the broken entry is written again.
        assertThat(store.acquire(new Snapshot(7, -1, FLOATS, theta))).isSameAs(e);
        assertThat(ThetaStoreTest.all(e)).isEqualTo(bf16.encode(theta));
    }

    @Test
    void aBrokenNewestSnapshotIsNotServedAgain() throws Exception {
        store = new ThetaStore(bf16, 4 * bf16.encodedSize(FLOATS), new FileSnapshots(dir, failingReads));
        float[] theta = FileSnapshotsTest.theta(1);
        ThetaStore.Entry first = store.newest(3, () -> Fp32Vector.wrap(theta), 3, () -> null);
        assertThatThrownBy(() -> ThetaStoreTest.all(first)).isInstanceOf(IOException.class);
        store.unpin(first);

        ThetaStore.Entry next = store.newest(3, () -> Fp32Vector.wrap(theta), 3, () -> null);
        assertThat(next).isNotSameAs(first);
        assertThat(ThetaStoreTest.all(next)).isEqualTo(bf16.encode(theta));
    }

    @Test
    void anInterruptedPullDoesNotCloseTheFileOtherPullsRead() throws Exception {
        store = new ThetaStore(bf16, 4 * bf16.encodedSize(FLOATS), FileSnapshots.open(dir, true));
        float[] theta = FileSnapshotsTest.theta(1);
        ThetaStore.Entry e = store.newest(0, () -> Fp32Vector.wrap(theta), 0, () -> null);
        Thread.currentThread().interrupt();
        try {
            assertThat(e.slice(0, 100).toByteArray()).isEqualTo(java.util.Arrays.copyOf(bf16.encode(theta), 100));
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for whoever sent it").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(ThetaStoreTest.all(e)).as("another pull still reads the file").isEqualTo(bf16.encode(theta));
        assertThat(e.broken()).isFalse();
    }
}
