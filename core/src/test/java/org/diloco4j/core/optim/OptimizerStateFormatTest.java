package org.diloco4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.api.Test;

class OptimizerStateFormatTest {
    static OptimizerState sample(int n) {
        float[] a = TestVectors.gaussian(1, n, 1);
        a[0] = Float.NaN;
        a[1] = -0.0f;
        return new OptimizerState("delayed-nesterov", Map.of("arrivals", 12345678901L, "buffer_size", 4L),
                Map.of("momentum", a, "accumulator", TestVectors.gaussian(2, n, 1)));
    }

    @Test
    void roundTripsEveryFieldExactly() {
        OptimizerState s = sample(100_003); // spans several 64 KiB chunks, not a multiple of one
        OptimizerState back = OptimizerStateFormat.fromBytes(OptimizerStateFormat.toBytes(s));
        assertThat(back.kind()).isEqualTo(s.kind());
        assertThat(back.counters()).isEqualTo(s.counters());
        assertThat(back.buffers().keySet()).isEqualTo(s.buffers().keySet());
        for (String k : s.buffers().keySet()) {
            int[] want = bits(s.buffers().get(k)), got = bits(back.buffers().get(k));
            assertThat(got).as(k).isEqualTo(want);
        }
    }

    @Test
    void sameStateGivesSameBytesWhateverTheMapOrder() {
        OptimizerState s = sample(10);
        byte[] a = OptimizerStateFormat.toBytes(s);
        byte[] b = OptimizerStateFormat.toBytes(s.copy());
        assertThat(a).isEqualTo(b);
        assertThat(Arrays.copyOf(a, 4)).isEqualTo("D4OS".getBytes());
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] full = OptimizerStateFormat.toBytes(sample(40));
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> OptimizerStateFormat.fromBytes(cut)).as("prefix of %d bytes", len)
                    .isInstanceOf(StateFormatException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void everySingleByteCorruptionIsRejected() {
        byte[] full = OptimizerStateFormat.toBytes(sample(40));
        for (int i = 0; i < full.length; i++) {
            for (int flip : new int[]{0x01, 0x80, 0xff}) {
                byte[] bad = full.clone();
                bad[i] ^= (byte) flip;
                int at = i;
                assertThatThrownBy(() -> OptimizerStateFormat.fromBytes(bad)).as("byte %d ^ %x", at, flip)
                        .isInstanceOf(StateFormatException.class);
            }
        }
    }

    @Test
    void corruptedDataNamesTheChecksum() {
        byte[] full = OptimizerStateFormat.toBytes(sample(40));
        full[full.length - 10] ^= 1;
        assertThatThrownBy(() -> OptimizerStateFormat.fromBytes(full)).hasMessageContaining("data is corrupted: checksum");
    }

    @Test
    void rejectsForeignMagicNewerVersionAndTrailingBytes() {
        byte[] full = OptimizerStateFormat.toBytes(sample(4));
        byte[] magic = full.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> OptimizerStateFormat.fromBytes(magic)).hasMessageContaining("not an optimizer state").hasMessageContaining("44344f53");
        byte[] version = full.clone();
        version[4] = 2;
        assertThatThrownBy(() -> OptimizerStateFormat.fromBytes(version)).hasMessageContaining("version 2 is not supported");
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        assertThatThrownBy(() -> OptimizerStateFormat.fromBytes(longer)).hasMessageContaining("3 unexpected bytes");
    }

    @Test
    void streamsReadExactlyOneStateEach() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OuterNesterov a = new OuterNesterov(5, 0.7, 0.9);
        a.step(new float[5], new float[]{1, 2, 3, 4, 5});
        OptimizerStateFormat.write(a.state(), out);
        OptimizerStateFormat.write(new OuterSgd(5, 1).state(), out);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertThat(OptimizerStateFormat.read(in).buffers().get(OuterNesterov.BUFFER)).containsExactly(1, 2, 3, 4, 5);
        assertThat(OptimizerStateFormat.read(in).kind()).isEqualTo("sgd");
        assertThat(in.available()).isZero();
    }

    @Test
    void restoreOfAMismatchedSizeFailsClearly() {
        OuterNesterov big = new OuterNesterov(10, 0.7, 0.9);
        OptimizerState s = OptimizerStateFormat.fromBytes(OptimizerStateFormat.toBytes(big.state()));
        assertThatThrownBy(() -> new OuterNesterov(9, 0.7, 0.9).restore(s))
                .hasMessageContaining("'momentum_buffer' has 10 floats but this optimizer has size 9");
    }

    private static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) b[i] = Float.floatToRawIntBits(x[i]);
        return b;
    }
}
