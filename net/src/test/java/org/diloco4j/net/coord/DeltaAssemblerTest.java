package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import org.diloco4j.net.proto.DeltaHeader;
import org.junit.jupiter.api.Test;

import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

class DeltaAssemblerTest {
    static final byte[] DATA = "0123456789abcdef".getBytes();

    static DeltaHeader header(int size, byte[] forCrc) {
        CRC32C c = new CRC32C();
        c.update(forCrc);
        return DeltaHeader.newBuilder().setSize(size).setCrc32C((int) c.getValue()).build();
    }

    @Test
    void reassemblesChunksInOrder() {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA));
        assertThat(a.add(ByteString.copyFrom(DATA, 0, 5))).isNull();
        assertThat(a.add(ByteString.copyFrom(DATA, 5, 11))).isNull();
        assertThat(a.finish()).isNull();
        assertThat(a.data()).isEqualTo(DATA);
    }

    @Test
    void refusesMoreThanDeclared() {
        DeltaAssembler a = new DeltaAssembler(header(10, DATA));
        assertThat(a.add(ByteString.copyFrom(DATA))).contains("more than the declared 10 bytes");
    }

    @Test
    void aTruncatedUploadIsNeverComplete() {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA));
        a.add(ByteString.copyFrom(DATA, 0, 15));
        assertThat(a.finish()).isEqualTo("upload ended after 15 of the declared 16 bytes");
    }

    @Test
    void aCorruptedUploadFailsItsChecksum() {
        DeltaAssembler a = new DeltaAssembler(header(16, DATA));
        byte[] bad = DATA.clone();
        bad[7] ^= 1;
        a.add(ByteString.copyFrom(bad));
        assertThat(a.finish()).contains("CRC32C");
    }
}
