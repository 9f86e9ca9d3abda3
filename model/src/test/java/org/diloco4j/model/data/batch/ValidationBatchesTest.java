package org.diloco4j.model.data.batch;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.TestData;
import org.diloco4j.model.data.corpus.Corpus;
import org.diloco4j.model.data.text.Split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationBatchesTest {
    @TempDir
    Path cache;

    @Test
    void fixedEvenlySpreadNonOverlappingWindowsOfHeldOutDocuments() {
        Corpus c = TestData.load(TestData.documents(400, 60, "a", "b"), cache);
        Split split = c.split(0.25, 2);
        List<TokenBatch> val = c.validationBatches(split, 4, 16, 5);
        assertThat(val).hasSize(5);
        assertThat(c.validationBatches(split, 4, 16, 5)).usingRecursiveComparison().isEqualTo(val);
        Set<String> validationText = new HashSet<>();
        for (int d : split.validation()) validationText.add(c.text(d));
        Set<String> rows = new HashSet<>();
        for (TokenBatch b : val) {
            for (int r = 0; r < 4; r++) {
                int[] in = java.util.Arrays.copyOfRange(b.inputs(), r * 16, r * 16 + 16);
                for (int t = 0; t < 15; t++) assertThat(b.targets()[r * 16 + t]).isEqualTo(in[t + 1]);
                String text = c.tokenizer().decode(in);
                rows.add(text);
                // Each window is text of held-out documents (possibly across a separator).
                for (String piece : text.split("<\\|endoftext\\|>")) {
                    if (piece.length() >= 8) {
                        assertThat(validationText.stream().anyMatch(v -> v.contains(piece))).as(piece).isTrue();
                    }
                }
            }
        }
        assertThat(rows).hasSize(20);
    }

    @Test
    void tooSmallOrTooManyAreErrors() {
        Corpus c = TestData.load(TestData.documents(40, 60, "a"), cache);
        Split split = c.split(0.1, 2);
        long tokens = split.validationTokens();
        assertThatThrownBy(() -> c.validationBatches(split, 64, 64, 1)).isInstanceOf(DataException.class)
                .hasMessage("validation split holds " + String.format("%,d", tokens) + " tokens, fewer than one batch"
                        + " (64 x 64 + 1 = 4,097); raise the validation fraction");
        long windows = (tokens - 1) / 8;
        assertThatThrownBy(() -> c.validationBatches(split, 2, 8, 1000)).isInstanceOf(DataException.class)
                .hasMessage("validation split holds " + windows / 2 + " batches of 2 x 8 without overlap; asked for 1000");
        assertThatThrownBy(() -> c.validationBatches(split, 2, 8, 0)).hasMessage("validation batch count 0 must be at least 1");
        Split none = c.split(0, 2);
        assertThatThrownBy(() -> c.validationBatches(none, 2, 8, 1)).hasMessage("validation split is empty (validation fraction 0.0)");
    }
}
