package org.diloco4j.net.coord;

import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.codec.Codecs;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Heap θ snapshots: write (on the event loop) does not sum the CRC; the first ask does, from the encoded bytes. */
class HeapSnapshotsTest {
    @Test
    void theCrcIsSummedOnFirstAskNotByWrite() throws Exception {
        float[] theta = FileSnapshotsTest.theta(1f);
        var b = (HeapSnapshots.Bytes) new HeapSnapshots().write(Codecs.parse("bf16"), Fp32Vector.wrap(theta));
        assertThat(b.crcComputed()).as("write left the CRC to the first pull").isFalse();
        assertThat(b.crc32c()).isEqualTo(FileSnapshotsTest.crc32c(Codecs.parse("bf16").encode(theta)));
        assertThat(b.crcComputed()).isTrue();
    }

    @Test
    void aReleasedSnapshotsCrcFailsAsItsReadsDo() throws IOException {
        float[] theta = FileSnapshotsTest.theta(1f);
        SnapshotBytes b = new HeapSnapshots().write(Codecs.parse("bf16"), Fp32Vector.wrap(theta));
        b.release();
        assertThatThrownBy(b::crc32c).isInstanceOf(IOException.class);
    }
}
