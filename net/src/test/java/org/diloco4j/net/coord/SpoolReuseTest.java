package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import org.diloco4j.net.SpoolFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.net.coord.DeltaAssemblerTest.bytes;
import static org.diloco4j.net.coord.DeltaAssemblerTest.header;

/** Uploads written into spool files earlier uploads gave back: each reads exactly its own bytes. */
class SpoolReuseTest {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static DeltaAssembler upload(Spool spool, byte[] data) throws IOException {
        DeltaAssembler a = new DeltaAssembler(header(data.length, data), spool);
        for (int at = 0; at < data.length; at += 3001) assertThat(a.add(ByteString.copyFrom(data, at, Math.min(3001, data.length - at)))).isNull();
        return a;
    }

    /** A shorter upload after a longer one, in the same file: it reads its own bytes, never the first one's tail. */
    @Test
    void aSecondUploadReadsOnlyItsOwnBytes() throws IOException {
        Spool spool = new Spool(dir, 0);
        byte[] first = random(20_000, 1);
        byte[] second = random(7_000, 2);
        DeltaAssembler a = upload(spool, first);
        assertThat(a.finish()).isNull();
        assertThat(bytes(a)).isEqualTo(first);
        assertThat(a.close()).isNull();
        DeltaAssembler b = upload(spool, second);
        assertThat(SpoolFiles.open(dir)).as("the first upload's file, reused").isEqualTo(1);
        assertThat(b.finish()).isNull();
        assertThat(bytes(b)).isEqualTo(second);
        assertThat(b.close()).isNull();
        spool.close();
        assertThat(SpoolFiles.open(dir) + SpoolFiles.named(dir)).as("nothing left once the spool is closed").isZero();
    }

    /** Uploads in flight together each have a file; one that starts when another is done takes that one's, not a live one. */
    @Test
    void uploadsInFlightTogetherNeverShareAFile() throws IOException {
        Spool spool = new Spool(dir, 0);
        byte[] x = random(10_000, 3);
        byte[] y = random(10_000, 4);
        byte[] z = random(10_000, 5);
        DeltaAssembler a = upload(spool, x);
        DeltaAssembler b = upload(spool, y);
        assertThat(SpoolFiles.open(dir)).isEqualTo(2);
        a.close();
        DeltaAssembler c = upload(spool, z);
        assertThat(SpoolFiles.open(dir)).as("c took a's file").isEqualTo(2);
        assertThat(b.finish()).isNull();
        assertThat(c.finish()).isNull();
        assertThat(bytes(b)).as("b, while c wrote").isEqualTo(y);
        assertThat(bytes(c)).isEqualTo(z);
        b.close();
        c.close();
        spool.close();
        assertThat(SpoolFiles.open(dir)).isZero();
    }

    /** A push that broke off half-way gives its file back; the next upload in it is whole and its own. */
    @Test
    void aBrokenOffUploadsFileServesTheNextWhole() throws IOException {
        Spool spool = new Spool(dir, 100);
        byte[] broken = random(10_000, 6);
        DeltaAssembler a = new DeltaAssembler(header(broken.length, broken), spool);
        assertThat(a.add(ByteString.copyFrom(broken, 0, 6000))).isNull();
        assertThat(a.finish()).contains("upload ended after 6000");
        assertThat(a.close()).isNull();
        byte[] next = random(4_000, 7);
        DeltaAssembler b = upload(spool, next);
        assertThat(SpoolFiles.open(dir)).isEqualTo(1);
        assertThat(b.finish()).isNull();
        assertThat(bytes(b)).isEqualTo(next);
        b.close();
        spool.close();
        assertThat(SpoolFiles.open(dir) + SpoolFiles.named(dir)).isZero();
    }
}
