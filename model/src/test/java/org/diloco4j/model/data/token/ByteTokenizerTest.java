package org.diloco4j.model.data.token;

import org.diloco4j.model.data.DataException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteTokenizerTest {
    private final ByteTokenizer tok = new ByteTokenizer();

    @Test
    void encodesUtf8BytesAndDecodesExactly() {
        String text = "Grüße, Κύριε Πρόεδρε! 🙂\ttab\r\nnew line\u0000nul";
        int[] ids = tok.encode(text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(ids).hasSize(utf8.length);
        for (int i = 0; i < utf8.length; i++) assertThat(ids[i]).isEqualTo(utf8[i] & 0xFF);
        assertThat(tok.decode(ids)).isEqualTo(text);
    }

    @Test
    void endOfTextIsAByteThatUtf8NeverProduces() {
        assertThat(tok.vocabSize()).isEqualTo(256);
        assertThat(tok.endOfText()).isEqualTo(255);
        StringBuilder all = new StringBuilder();
        for (int cp = 0; cp < 0x30000; cp += 7) {
            if (cp < 0xD800 || cp > 0xDFFF) all.appendCodePoint(cp);
        }
        assertThat(tok.encode(all.toString())).doesNotContain(255);
    }

    @Test
    void decodeRendersSeparatorsBetweenDocuments() {
        int[] a = tok.encode("première");
        int[] b = tok.encode("zweite");
        int[] joined = new int[a.length + b.length + 2];
        System.arraycopy(a, 0, joined, 0, a.length);
        joined[a.length] = 255;
        System.arraycopy(b, 0, joined, a.length + 1, b.length);
        joined[joined.length - 1] = 255;
        assertThat(tok.decode(joined)).isEqualTo("première<|endoftext|>zweite<|endoftext|>");
    }

    @Test
    void decodeToleratesBrokenSequencesFromSampling() {
        assertThat(tok.decode(new int[] {'a', 0xC3, 'b'})).isEqualTo("a\uFFFDb");
        assertThatThrownBy(() -> tok.decode(new int[] {256})).hasMessageContaining("256");
    }

    @Test
    void tokenizersByName() {
        assertThat(Tokenizers.byName("bytes")).isInstanceOf(ByteTokenizer.class);
        assertThat(Tokenizers.byName("GPT2").name()).isEqualTo("gpt2");
        assertThat(Tokenizers.byName("r50k_base").vocabSize()).isEqualTo(50257);
        assertThatThrownBy(() -> Tokenizers.byName("sentencepiece")).isInstanceOf(DataException.class)
                .hasMessage("unknown tokenizer 'sentencepiece': expected one of [bytes, gpt2]");
    }
}
