package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.params.Fp32Vector;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * θ encoded piece by piece is byte for byte θ encoded whole, for every codec θ may travel in, and
 * whatever chunks θ is held in: chunks smaller than a piece (a bf16 group across two chunks), the
 * size of a piece, larger, and one array.
 */
class ThetaPiecesTest {
    @Test
    void piecesAreTheWholeEncodingForEveryDownlinkCodecAndEveryChunking() throws Exception {
        for (String spec : new String[] {"fp32", "bf16", "fp16"}) {
            Codec c = Codecs.parse(spec);
            for (int n : new int[] {0, 1, 4095, 4096, 3 * 4096, 3 * 4096 + 7, 5 * 4096 + 4095}) {
                float[] v = values(n);
                for (int shift : new int[] {8, 11, 12, 13, Fp32Vector.DEFAULT_SHIFT, Fp32Vector.ONE_ARRAY_SHIFT}) {
                    Fp32Vector theta = shift == Fp32Vector.ONE_ARRAY_SHIFT ? Fp32Vector.wrap(v) : Fp32Vector.copyOf(v, shift);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    long written = ThetaPieces.encode(c, theta, 4096, out::write);
                    assertThat(out.toByteArray()).as(spec + ", " + n + " values in chunks of 2^" + shift).isEqualTo(c.encode(v));
                    assertThat(written).isEqualTo(c.encodedSize(n));
                    // The heap's snapshot of a chunked θ is encoded piecewise into one array: the same bytes.
                    assertThat(all(new HeapSnapshots().write(c, theta))).as("heap, " + spec + ", 2^" + shift).isEqualTo(c.encode(v));
                }
            }
        }
    }

    static float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) Math.sin(i * 0.37) * (1 + i % 13);
        return v;
    }

    private static byte[] all(SnapshotBytes b) throws Exception {
        return b.slice(0, Math.toIntExact(b.length())).toByteArray();
    }

    @Test
    void aCodecWithoutFixedWidthValuesIsRefused() {
        assertThatThrownBy(() -> ThetaPieces.encode(Codecs.parse("int8"), Fp32Vector.zeros(8192, 12), 4096, (b, o, l) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int8");
    }
}
