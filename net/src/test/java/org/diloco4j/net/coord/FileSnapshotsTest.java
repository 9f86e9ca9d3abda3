package org.diloco4j.net.coord;

import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * θ snapshots kept in files of the spool directory: pulled as they would be from the heap, written
 * whole before a pull can see them, their files gone when dropped or closed, stale ones swept at
 * start, and a disk that fails a write one line naming the directory.
 */
class FileSnapshotsTest {
    /** Two whole pieces and a ragged tail: the pieces' seams and the last group are inside the snapshot. */
    static final int FLOATS = 2 * ThetaPieces.PIECE_VALUES + 1001;

    @TempDir
    Path dir;

    static float[] theta(float scale) {
        float[] v = new float[FLOATS];
        for (int i = 0; i < v.length; i++) v[i] = scale * ((i % 977) * 1e-3f - 0.4f);
        return v;
    }

    /** The files of {@code dir} this process has open, named or not (Linux: /proc/self/fd). */
    static int openFilesIn(Path dir) throws IOException {
        int n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(dir.toString())) n++;
                } catch (IOException gone) {
                    // The listing's own descriptor, closed by now.
                }
            }
        }
        return n;
    }

    @Test
    void aPullOfAFileSnapshotGetsTheSameBytesAndCrcAsOneFromTheHeap() throws Exception {
        PullCluster.Got fromHeap;
        PullCluster.Got fromFile;
        try (PullCluster heap = new PullCluster(FLOATS, 1, "bf16", 64 << 10, o -> o.withThetaSnapshots(SnapshotPlace.HEAP));
             PullCluster.Member m = heap.member("a")) {
            m.nextTrain();
            fromHeap = m.pull(0, 0);
        }
        try (PullCluster file = new PullCluster(FLOATS, 1, "bf16", 64 << 10,
                o -> o.withThetaSnapshots(SnapshotPlace.FILE).withSpool(SpoolOptions.in(dir, SpoolOptions.DEFAULT_MEMORY)));
             PullCluster.Member m = file.member("a")) {
            m.nextTrain();
            fromFile = m.pull(0, 0);
            assertThat(openFilesIn(dir)).as("the snapshot's file, open while kept").isEqualTo(1);
            try (var names = Files.list(dir)) {
                assertThat(names.toList()).as("and nameless").isEmpty();
            }
            // Resumed from the middle of a chunk: positional reads.
            assertThat(m.pull(fromFile.snapshot(), 12345).bytes()).isEqualTo(java.util.Arrays.copyOfRange(fromFile.bytes(), 12345, fromFile.bytes().length));
        }
        assertThat(fromFile.bytes()).isEqualTo(fromHeap.bytes()).isEqualTo(Codecs.parse("bf16").encode(theta0()));
        assertThat(fromFile.crc()).isEqualTo(fromHeap.crc());
        assertThat(fromFile.intact()).isTrue();
        assertThat(openFilesIn(dir)).as("the runtime closed: its snapshot files with it").isZero();
    }

    /** PullCluster's θ₀. */
    static float[] theta0() {
        float[] v = new float[FLOATS];
        for (int i = 0; i < FLOATS; i++) v[i] = (i % 1000) * 1e-3f - 0.5f;
        return v;
    }

    @Test
    void aSnapshotDroppedWhileUnpinnedClosesItsFile() throws Exception {
        Codec bf16 = Codecs.parse("bf16");
        ThetaStore s = new ThetaStore(bf16, bf16.encodedSize(FLOATS), FileSnapshots.open(dir, true));
        ThetaStore.Entry v1 = s.newest(1, () -> Fp32Vector.wrap(theta(1)), 1, () -> null);
        assertThat(ThetaStoreTest.all(v1)).isEqualTo(bf16.encode(theta(1)));
        assertThat(openFilesIn(dir)).isEqualTo(1);
        s.unpin(v1);
        assertThat(openFilesIn(dir)).as("unpinned, but the budget has room: kept for later pulls").isEqualTo(1);
        ThetaStore.Entry v2 = s.newest(2, () -> Fp32Vector.wrap(theta(2)), 2, () -> null);
        assertThat(v1.released()).isTrue();
        assertThat(openFilesIn(dir)).as("v1's file closed (its space freed), v2's open").isEqualTo(1);
        assertThatThrownBy(() -> v1.slice(0, 10)).isInstanceOf(IOException.class).hasMessageContaining("no longer kept");
        assertThat(ThetaStoreTest.all(v2)).isEqualTo(bf16.encode(theta(2)));
        s.unpin(v2);
        s.close();
        assertThat(openFilesIn(dir)).isZero();
    }

    @Test
    void aPullNeverSeesASnapshotThatIsStillBeingWritten() throws Exception {
        Codec bf16 = Codecs.parse("bf16");
        AtomicReference<ThetaStore> store = new AtomicReference<>();
        List<String> seen = new ArrayList<>();
        FileSnapshots.Disk watching = (channel, from, at) -> {
            ThetaStore s = store.get();
            // Every piece written so far: the entry being written is neither kept nor pinnable by id.
            seen.add(s.count() + " kept, " + s.bytes() + " bytes, pin(1) " + (s.pin(1) != null));
            return channel.write(from, at);
        };
        store.set(new ThetaStore(bf16, bf16.encodedSize(FLOATS), new FileSnapshots(dir, watching)));
        ThetaStore.Entry e = store.get().newest(0, () -> Fp32Vector.wrap(theta(1)), 0, () -> null);
        assertThat(seen).hasSize(3).containsOnly("0 kept, 0 bytes, pin(1) false");
        assertThat(e.id).isEqualTo(1);
        assertThat(store.get().count()).isEqualTo(1);
        assertThat(ThetaStoreTest.all(e)).isEqualTo(bf16.encode(theta(1)));
    }

    @Test
    void aFullDiskFailsTheSnapshotInOneLineNamingTheDirectoryAndLeavesNothing() throws Exception {
        Codec bf16 = Codecs.parse("bf16");
        AtomicInteger writes = new AtomicInteger();
        FileSnapshots.Disk full = (channel, from, at) -> {
            if (writes.incrementAndGet() > 1) throw new IOException("No space left on device");
            return channel.write(from, at);
        };
        ThetaStore s = new ThetaStore(bf16, bf16.encodedSize(FLOATS), new FileSnapshots(dir, full));
        assertThatThrownBy(() -> s.newest(0, () -> Fp32Vector.wrap(theta(1)), 0, () -> null)).isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("could not write θ snapshots to " + dir + ": No space left on device")
                .hasMessageContaining(SpoolOptions.DIR_PROPERTY).hasMessageNotContaining("\n");
        assertThat(s.count()).isZero();
        assertThat(s.bytes()).isZero();
        assertThat(openFilesIn(dir)).as("the half-written file closed").isZero();
        writes.set(-100);
        assertThat(ThetaStoreTest.all(s.newest(0, () -> Fp32Vector.wrap(theta(1)), 0, () -> null))).as("the next pull tries again").isEqualTo(bf16.encode(theta(1)));
    }

    /**
     * The CRC a pull's last chunk carries is the one of the bytes written, not of what the file
     * returns later: bytes changed on the disk after the write (written here through the channel
     * the storage wrote with) no longer match it, so a worker refuses them.
     */
    @Test
    void bytesChangedInTheFileAfterTheWriteNoLongerMatchTheCrcAPullCarries() throws Exception {
        Codec bf16 = Codecs.parse("bf16");
        AtomicReference<FileChannel> written = new AtomicReference<>();
        FileSnapshots.Disk watching = (channel, from, at) -> {
            written.set(channel);
            return channel.write(from, at);
        };
        ThetaStore s = new ThetaStore(bf16, bf16.encodedSize(FLOATS), new FileSnapshots(dir, watching));
        ThetaStore.Entry e = s.newest(0, () -> Fp32Vector.wrap(theta(1)), 0, () -> null);
        byte[] before = ThetaStoreTest.all(e);

        // No pull has reached the end yet: nothing has asked for the CRC before the bytes change.
        written.get().write(java.nio.ByteBuffer.wrap(new byte[] {(byte) ~before[1000]}), 1000);

        byte[] after = ThetaStoreTest.all(e);
        assertThat(after).as("the pull reads the changed byte").isNotEqualTo(before);
        assertThat(crc32c(after)).as("the CRC the pull carries vouches for what was written").isNotEqualTo(e.crc());
        assertThat(e.crc()).as("it is the written bytes'").isEqualTo(crc32c(before));
        s.close();
    }

    static int crc32c(byte[] b) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    @Test
    void aSpoolDirectoryThatCannotTakeSnapshotsRefusesTheRuntimeAtStartInOneLine() throws Exception {
        Path notADir = Files.writeString(dir.resolve("a-file"), "x");
        CoordinatorConfig cc = MemoryBoundTest.asyncDn(1);
        RunDefinition run = MemoryBoundTest.run(cc, FragmentPlan.whole(1000));
        RuntimeOptions opts = MemoryBoundTest.admitting(1).withThetaSnapshots(SnapshotPlace.FILE).withSpool(SpoolOptions.in(notADir.resolve("spool"), 0));
        Coordinator coordinator = new Coordinator(cc, run.plan(), new float[1000], m -> { });
        assertThatThrownBy(() -> CoordinatorRuntime.start(run, coordinator, opts, null, null, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("could not write θ snapshots to " + notADir.resolve("spool")).hasMessageNotContaining("\n");
    }

    @Test
    void aCoordinatorStartingInItsOwnSpoolDirectorySweepsTheSnapshotFilesAnEarlierOneLeft() throws Exception {
        Path stale = Files.writeString(dir.resolve(FileSnapshots.PREFIX + "123" + FileSnapshots.SUFFIX), "old θ");
        Path upload = Files.writeString(dir.resolve(Spool.PREFIX + "9" + Spool.SUFFIX), "an upload: the spool's own sweep decides");
        FileSnapshots.open(dir, false);
        assertThat(stale).as("a shared directory is not swept").exists();
        FileSnapshots.open(dir, true);
        assertThat(stale).doesNotExist();
        assertThat(upload).exists();
        assertThat(openFilesIn(dir)).as("the start's writability probe left nothing open").isZero();
    }
}
