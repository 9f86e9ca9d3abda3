package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CodecsTest {
    @Test
    void parsesEveryForm() {
        assertThat(Codecs.parse("fp32")).isEqualTo(new Fp32Codec());
        assertThat(Codecs.parse(" FP16 ")).isEqualTo(new Fp16Codec());
        assertThat(Codecs.parse("bf16")).isEqualTo(new Bf16Codec());
        assertThat(Codecs.parse("int8")).isEqualTo(new Int8Codec(65536));
        assertThat(Codecs.parse("int8:chunk=4096")).isEqualTo(new Int8Codec(4096));
        assertThat(Codecs.parse("int8:4096")).isEqualTo(new Int8Codec(4096));
        assertThat(Codecs.parse("q4")).isEqualTo(new Q4Codec(64));
        assertThat(Codecs.parse("q4:block=32")).isEqualTo(new Q4Codec(32));
        assertThat(Codecs.parse("fp4")).isEqualTo(new Fp4Codec(64));
        assertThat(Codecs.parse("FP4:block=32")).isEqualTo(new Fp4Codec(32));
        assertThat(Codecs.parse("fp4:16")).isEqualTo(new Fp4Codec(16));
        assertThat(Codecs.parse("topk:0.01")).isEqualTo(new TopKCodec(0.01));
        assertThat(Codecs.parse("topk:fraction=1e-3")).isEqualTo(new TopKCodec(0.001));
    }

    @Test
    void specsAreCanonicalAndParseBack() {
        for (Codec c : TestData.allCodecs()) assertThat(Codecs.parse(c.spec())).isEqualTo(c);
        assertThat(new TopKCodec(1e-4).spec()).isEqualTo("topk:0.0001");
        assertThat(new TopKCodec(1).spec()).isEqualTo("topk:1");
        assertThat(new Int8Codec().spec()).isEqualTo("int8:chunk=65536");
        assertThat(new Q4Codec().toString()).isEqualTo("q4:block=64");
    }

    @Test
    void errorsNameTheSpecTheParameterAndWhatIsAllowed() {
        assertBad("q4:block=0", "codec 'q4:block=0': block must be a positive even integer");
        assertBad("q4:block=7", "got 7");
        assertBad("q4:block=abc", "block must be an integer, got 'abc'");
        assertBad("int8:chunk=16", "chunk must be an integer in [256, 1073741824]");
        assertBad("int8:size=5", "unknown parameter 'size'; int8 takes chunk");
        assertBad("topk", "topk needs the fraction");
        assertBad("topk:0", "fraction must be a number in (0, 1], got 0.0");
        assertBad("topk:1.5", "fraction must be a number in (0, 1]");
        assertBad("topk:NaN", "fraction must be a number in (0, 1], got 'NaN'");
        assertBad("topk:0.1,fraction=0.2", "parameter 'fraction' given twice");
        assertBad("fp32:3", "fp32 takes no parameters");
        assertBad("bf16:", "nothing after ':'");
        assertBad("q4:block=8,", "empty parameter");
        assertBad("fp4:block=5", "codec 'fp4:block=5': block must be a positive even integer");
        assertBad("fp4:chunk=8", "unknown parameter 'chunk'; fp4 takes block");
        assertBad("zstd", "unknown codec 'zstd'; known codecs: fp32, fp16, bf16, int8, q4, topk, fp4");
        assertBad("", "codec spec is empty");
    }

    private static void assertBad(String spec, String message) {
        assertThatThrownBy(() -> Codecs.parse(spec)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void forMessageRecognisesTheCodecAndItsParameters() {
        for (Codec c : TestData.allCodecs()) {
            float[] v = TestData.gaussian(4, 300, 1);
            byte[] m = c.encode(v);
            assertThat(Codecs.forMessage(m)).isEqualTo(c);
            assertThat(Codecs.count(m)).isEqualTo(300);
        }
        assertThatThrownBy(() -> Codecs.forMessage(new byte[] {1, 2, 3})).isInstanceOf(CodecException.class).hasMessageContaining("truncated");
        byte[] m = new Q4Codec().encode(new float[4]);
        Wire.INT.set(m, 8, 3);
        assertThatThrownBy(() -> Codecs.forMessage(m)).isInstanceOf(CodecException.class).hasMessageContaining("q4 message header has invalid parameters");
        assertThatThrownBy(() -> Codecs.forMessage(java.util.Arrays.copyOf(m, 10))).isInstanceOf(CodecException.class).hasMessageContaining("truncated");
    }

    @Test
    void kindsHaveStableIds() {
        assertThat(CodecKind.values()).extracting(CodecKind::wireId).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(CodecKind.ofConfigName("Q4")).isEqualTo(CodecKind.Q4);
        assertThat(CodecKind.ofWireId(7)).isEqualTo(CodecKind.FP4);
        assertThat(CodecKind.ofWireId(8)).isNull();
    }
}
