package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.net.SpoolFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeltaAssemblerTest {
    static final byte[] DATA = "0123456789abcdef".getBytes();
    /** Everything in memory. */
    static final Spool MEMORY = new Spool(Path.of(System.getProperty("java.io.tmpdir")), 1 << 20);

    @TempDir
    Path dir;

    static byte[] bytes(DeltaAssembler a) {
        EncodedSource s = a.source();
        byte[] out = new byte[(int) s.size()];
        s.read(0, out, 0, out.length);
        return out;
    }

    /** Files in the spool directory, with a name or held open unlinked. */
    private long spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count() + SpoolFiles.open(dir);
        }
    }

    /**
     * Beyond the allowance the upload goes to an unlinked file; every read, across the seam, gives the bytes sent; closing
     * gives the file back to the spool, and closing the spool frees it.
     */
    @Test
    void spoolsBeyondTheAllowanceAndDeletesTheFile() throws IOException {
        byte[] data = new byte[3 * DeltaAssembler.PIECE + 12345];
        new Random(7).nextBytes(data);
        long allowance = DeltaAssembler.PIECE + 999;
        Spool spool = new Spool(dir, allowance);
        DeltaAssembler a = new DeltaAssembler(header(data.length, data), spool);
        for (int at = 0; at < data.length; at += 70_001) assertThat(a.add(ByteString.copyFrom(data, at, Math.min(70_001, data.length - at)))).isNull();
        assertThat(a.finish()).isNull();
        assertThat(a.spooled()).isTrue();
        assertThat(spoolFiles()).isEqualTo(1);
        assertThat(SpoolFiles.named(dir)).as("spool files with a name: a killed coordinator would leave them").isZero();
        assertThat(bytes(a)).isEqualTo(data);
        byte[] seam = new byte[5000];
        a.source().read(allowance - 2500, seam, 0, seam.length);
        assertThat(seam).isEqualTo(Arrays.copyOfRange(data, (int) allowance - 2500, (int) allowance + 2500));
        assertThat(a.close()).isNull();
        assertThat(spool.files().idleFiles()).as("kept for the next upload").isEqualTo(1);
        assertThat(a.close()).as("a second close does nothing").isNull();
        assertThat(spool.files().idleFiles()).as("given back once").isEqualTo(1);
        spool.close();
        assertThat(spoolFiles()).isZero();
    }

    /**
     * Chunks that are views of the transport's direct buffers (DeltaChunkMarshaller: a rope of several), split
     * across the memory budget's end, arrive whole: the same bytes and checksum as copied ones.
     */
    @Test
    void chunksOfDirectBuffersAreTakenAsTheyAre() throws IOException {
        byte[] data = new byte[2 * DeltaAssembler.PIECE + 54321];
        new Random(8).nextBytes(data);
        DeltaAssembler a = new DeltaAssembler(header(data.length, data), new Spool(dir, DeltaAssembler.PIECE + 777));
        for (int at = 0; at < data.length; at += 100_003) {
            int n = Math.min(100_003, data.length - at);
            java.util.List<ByteString> pieces = new java.util.ArrayList<>();
            for (int p = 0; p < n; p += 16_411) {
                int k = Math.min(16_411, n - p);
                pieces.add(com.google.protobuf.UnsafeByteOperations.unsafeWrap(java.nio.ByteBuffer.allocateDirect(k).put(data, at + p, k).flip()));
            }
            assertThat(a.add(ByteString.copyFrom(pieces))).isNull();
        }
        assertThat(a.finish()).isNull();
        assertThat(a.spooled()).isTrue();
        assertThat(bytes(a)).isEqualTo(data);
        assertThat(a.close()).isNull();
    }

    /** A push that breaks off after part of it was spooled leaves no file once it and the spool are closed. */
    @Test
    void aBrokenSpooledUploadLeavesNoFile() throws IOException {
        byte[] data = new byte[10_000];
        Spool spool = new Spool(dir, 100);
        DeltaAssembler a = new DeltaAssembler(header(data.length, data), spool);
        assertThat(a.add(ByteString.copyFrom(data, 0, 5000))).isNull();
        assertThat(spoolFiles()).isEqualTo(1);
        assertThat(a.finish()).contains("upload ended after 5000");
        a.close();
        spool.close();
        assertThat(spoolFiles()).isZero();
    }

    /** Within the allowance nothing touches the disk. */
    @Test
    void aSmallUploadStaysInMemory() throws IOException {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA), new Spool(dir, 16));
        a.add(ByteString.copyFrom(DATA));
        assertThat(a.finish()).isNull();
        assertThat(a.spooled()).isFalse();
        assertThat(spoolFiles()).isZero();
        assertThat(bytes(a)).isEqualTo(DATA);
    }

    static DeltaHeader header(int size, byte[] forCrc) {
        CRC32C c = new CRC32C();
        c.update(forCrc);
        return DeltaHeader.newBuilder().setSize(size).setCrc32C((int) c.getValue()).build();
    }

    @Test
    void reassemblesChunksInOrder() throws IOException {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA), MEMORY);
        assertThat(a.add(ByteString.copyFrom(DATA, 0, 5))).isNull();
        assertThat(a.add(ByteString.copyFrom(DATA, 5, 11))).isNull();
        assertThat(a.finish()).isNull();
        assertThat(bytes(a)).isEqualTo(DATA);
    }

    @Test
    void refusesMoreThanDeclared() throws IOException {
        DeltaAssembler a = new DeltaAssembler(header(10, DATA), MEMORY);
        assertThat(a.add(ByteString.copyFrom(DATA))).contains("more than the declared 10 bytes");
    }

    @Test
    void aTruncatedUploadIsNeverComplete() throws IOException {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA), MEMORY);
        a.add(ByteString.copyFrom(DATA, 0, 15));
        assertThat(a.finish()).isEqualTo("upload ended after 15 of the declared 16 bytes");
    }

    @Test
    void aCorruptedUploadFailsItsChecksum() throws IOException {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA), MEMORY);
        byte[] bad = DATA.clone();
        bad[7] ^= 1;
        a.add(ByteString.copyFrom(bad));
        assertThat(a.finish()).contains("CRC32C");
    }

    /**
     * The memory budget is the coordinator's, shared by every member's uploads: a second upload
     * gets what the first left and spools the rest, a third (another member's) gets nothing and
     * spools it all; closing gives the memory back, once.
     */
    @Test
    void theMemoryBudgetIsSharedByAllUploadsInFlight() throws IOException {
        byte[] data = new byte[80];
        new Random(3).nextBytes(data);
        Spool spool = new Spool(dir, 100);
        DeltaAssembler first = new DeltaAssembler(header(80, data), spool);
        DeltaAssembler second = new DeltaAssembler(header(80, data), spool);
        DeltaAssembler third = new DeltaAssembler(header(80, data), spool);
        for (DeltaAssembler x : new DeltaAssembler[] {first, second, third}) {
            assertThat(x.add(ByteString.copyFrom(data))).isNull();
            assertThat(x.finish()).isNull();
            assertThat(bytes(x)).isEqualTo(data);
        }
        assertThat(first.inMemory()).isEqualTo(80);
        assertThat(second.inMemory()).as("what the first upload left").isEqualTo(20);
        assertThat(second.spooled()).isTrue();
        assertThat(third.inMemory()).as("nothing left: all spooled").isZero();
        assertThat(spool.held()).isEqualTo(100);
        first.close();
        first.close();
        assertThat(spool.held()).isEqualTo(20);
        second.close();
        third.close();
        assertThat(spool.held()).isZero();
        spool.close();
        assertThat(spoolFiles()).isZero();
    }

    /** A spooled upload read after it was freed fails as an I/O error (the coordinator's trouble), not with garbage. */
    @Test
    void aFreedSpooledUploadCannotBeRead() throws IOException {
        byte[] data = new byte[1000];
        DeltaAssembler a = new DeltaAssembler(header(data.length, data), new Spool(dir, 100));
        assertThat(a.add(ByteString.copyFrom(data))).isNull();
        assertThat(a.finish()).isNull();
        var source = a.source();
        a.close();
        assertThatThrownBy(() -> source.read(500, new byte[10], 0, 10)).isInstanceOf(java.io.UncheckedIOException.class);
    }

    /** A spool the coordinator cannot write is its own trouble, thrown, not a refusal of the worker's bytes; nothing is left. */
    @Test
    void aSpoolThatCannotBeWrittenThrows() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        DeltaAssembler a = new DeltaAssembler(header(10_000, new byte[10_000]), new Spool(notADirectory, 100));
        assertThatThrownBy(() -> a.add(ByteString.copyFrom(new byte[5000]))).isInstanceOf(IOException.class);
        assertThat(a.close()).isNull();
        assertThat(SpoolFiles.open(dir) + SpoolFiles.named(dir)).isZero();
    }

    /** At start, a directory of the coordinator's own is cleared of spool files, and only of them. */
    @Test
    void aSweepRemovesOnlySpoolFiles() throws IOException {
        Files.writeString(dir.resolve("push-1.spool"), "left over");
        Files.writeString(dir.resolve("push-2.spool"), "left over");
        Files.writeString(dir.resolve("other.txt"), "kept");
        assertThat(new Spool(dir, 100).sweep()).isEqualTo(2);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("other.txt");
        }
        assertThat(new Spool(dir.resolve("absent"), 100).sweep()).isZero();
    }
}
