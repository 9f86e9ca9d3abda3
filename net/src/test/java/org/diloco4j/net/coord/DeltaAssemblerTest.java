package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.core.ingest.EncodedSource;
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

    private long spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    /** Beyond the allowance the upload goes to a file; every read, across the seam, gives the bytes sent; closing deletes the file. */
    @Test
    void spoolsBeyondTheAllowanceAndDeletesTheFile() throws IOException {
        byte[] data = new byte[3 * DeltaAssembler.PIECE + 12345];
        new Random(7).nextBytes(data);
        long allowance = DeltaAssembler.PIECE + 999;
        DeltaAssembler a = new DeltaAssembler(header(data.length, data), new Spool(dir, allowance));
        for (int at = 0; at < data.length; at += 70_001) assertThat(a.add(ByteString.copyFrom(data, at, Math.min(70_001, data.length - at)))).isNull();
        assertThat(a.finish()).isNull();
        assertThat(a.spooled()).isTrue();
        assertThat(spoolFiles()).isEqualTo(1);
        assertThat(bytes(a)).isEqualTo(data);
        byte[] seam = new byte[5000];
        a.source().read(allowance - 2500, seam, 0, seam.length);
        assertThat(seam).isEqualTo(Arrays.copyOfRange(data, (int) allowance - 2500, (int) allowance + 2500));
        a.close();
        assertThat(spoolFiles()).isZero();
    }

    /** A push that breaks off after part of it was spooled leaves no file once closed. */
    @Test
    void aBrokenSpooledUploadLeavesNoFile() throws IOException {
        byte[] data = new byte[10_000];
        DeltaAssembler a = new DeltaAssembler(header(data.length, data), new Spool(dir, 100));
        assertThat(a.add(ByteString.copyFrom(data, 0, 5000))).isNull();
        assertThat(spoolFiles()).isEqualTo(1);
        assertThat(a.finish()).contains("upload ended after 5000");
        a.close();
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
    void reassemblesChunksInOrder() {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA), MEMORY);
        assertThat(a.add(ByteString.copyFrom(DATA, 0, 5))).isNull();
        assertThat(a.add(ByteString.copyFrom(DATA, 5, 11))).isNull();
        assertThat(a.finish()).isNull();
        assertThat(bytes(a)).isEqualTo(DATA);
    }

    @Test
    void refusesMoreThanDeclared() {
        DeltaAssembler a = new DeltaAssembler(header(10, DATA), MEMORY);
        assertThat(a.add(ByteString.copyFrom(DATA))).contains("more than the declared 10 bytes");
    }

    @Test
    void aTruncatedUploadIsNeverComplete() {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA), MEMORY);
        a.add(ByteString.copyFrom(DATA, 0, 15));
        assertThat(a.finish()).isEqualTo("upload ended after 15 of the declared 16 bytes");
    }

    @Test
    void aCorruptedUploadFailsItsChecksum() {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA), MEMORY);
        byte[] bad = DATA.clone();
        bad[7] ^= 1;
        a.add(ByteString.copyFrom(bad));
        assertThat(a.finish()).contains("CRC32C");
    }
}
