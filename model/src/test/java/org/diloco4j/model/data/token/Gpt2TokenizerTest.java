package org.diloco4j.model.data.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class Gpt2TokenizerTest {
    private final Gpt2Tokenizer tok = new Gpt2Tokenizer();

    /** Ids from an independent BPE implementation (src/test/python/gpt2_bpe_reference.py). */
    @Test
    void matchesIndependentReference() throws IOException {
        List<String> rows;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/data/gpt2-golden.tsv"))) {
            rows = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        }
        assertThat(rows).hasSizeGreaterThanOrEqualTo(10);
        for (String row : rows) {
            String[] cols = row.split("\t");
            String text = new String(Base64.getDecoder().decode(cols[0]), StandardCharsets.UTF_8);
            int[] expected = Arrays.stream(cols[1].split(" ")).mapToInt(Integer::parseInt).toArray();
            assertThat(tok.encode(text)).as(text).containsExactly(expected);
            assertThat(tok.decode(expected)).isEqualTo(text);
        }
    }

    @Test
    void wellKnownIds() {
        assertThat(tok.encode("Hello world")).containsExactly(15496, 995);
        assertThat(tok.vocabSize()).isEqualTo(50257);
        assertThat(tok.endOfText()).isEqualTo(50256);
    }

    @Test
    void literalEndOfTextIsOrdinaryTextAndTheRealOneDecodes() {
        int[] ids = tok.encode("a <|endoftext|> b");
        assertThat(ids).doesNotContain(50256);
        assertThat(tok.decode(ids)).isEqualTo("a <|endoftext|> b");
        assertThat(tok.decode(new int[] {15496, 50256, 995})).isEqualTo("Hello<|endoftext|> world");
    }

    /** Over the golden texts (many scripts, emoji), the ids' byte lengths add up to the texts' UTF-8 lengths. */
    @Test
    void byteLengthsAddUpToTheUtf8Text() throws IOException {
        List<String> rows;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/data/gpt2-golden.tsv"))) {
            rows = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        }
        long multiByte = 0;
        for (String row : rows) {
            byte[] utf8 = Base64.getDecoder().decode(row.split("\t")[0]);
            int[] ids = tok.encode(new String(utf8, StandardCharsets.UTF_8));
            long sum = 0;
            for (int id : ids) {
                sum += tok.byteLength(id);
                multiByte += tok.byteLength(id) > 1 ? 1 : 0;
            }
            assertThat(sum).as(new String(utf8, StandardCharsets.UTF_8)).isEqualTo(utf8.length);
        }
        assertThat(multiByte).isPositive();
        assertThat(tok.byteLength(tok.endOfText())).isEqualTo(1);
        assertThat(tok.byteLength(15496)).isEqualTo("Hello".length());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tok.byteLength(50257)).hasMessageContaining("outside");
    }
}
