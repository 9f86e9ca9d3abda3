package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** θ encoded piece by piece is byte for byte θ encoded whole, for every codec θ may travel in. */
class ThetaPiecesTest {
    @Test
    void piecesAreTheWholeEncodingForEveryDownlinkCodec() throws Exception {
        for (String spec : new String[] {"fp32", "bf16", "fp16"}) {
            Codec c = Codecs.parse(spec);
            for (int n : new int[] {0, 1, 4095, 4096, 3 * 4096, 3 * 4096 + 7, 5 * 4096 + 4095}) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = (float) Math.sin(i * 0.37) * (1 + i % 13);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long written = ThetaPieces.encode(c, v, n, 4096, out::write);
                assertThat(out.toByteArray()).as(spec + ", " + n + " values").isEqualTo(c.encode(v));
                assertThat(written).isEqualTo(c.encodedSize(n));
            }
        }
    }

    @Test
    void aCodecWithoutFixedWidthValuesIsRefused() {
        assertThatThrownBy(() -> ThetaPieces.encode(Codecs.parse("int8"), new float[8192], 8192, 4096, (b, o, l) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int8");
    }
}
