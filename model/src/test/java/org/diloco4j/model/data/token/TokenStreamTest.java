package org.diloco4j.model.data.token;

import org.diloco4j.model.data.text.DocumentTable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenStreamTest {
    /** Four documents of lengths 3, 4, 2, 5 over tokens whose values are their indices 0..13. */
    private final TokenArray tokens = new ArrayTokens(IntStream.range(0, 14).toArray());
    private final DocumentTable table = new DocumentTable(new String[] {"a", "b", "c", "d"}, new int[] {0, 0, 0, 0},
            new long[] {0, 3, 7, 9}, new long[] {3, 4, 2, 5}, new long[] {2, 3, 1, 4}, List.of("g"));

    @Test
    void concatenatesSelectedDocumentsAcrossGaps() {
        TokenStream s = new TokenStream(tokens, table, new int[] {0, 2, 3});
        assertThat(s.length()).isEqualTo(10);
        int[] all = new int[10];
        s.read(0, all, 0, 10);
        assertThat(all).containsExactly(0, 1, 2, 7, 8, 9, 10, 11, 12, 13);
        for (int from = 0; from < 10; from++) {
            for (int len = 0; from + len <= 10; len++) {
                int[] part = new int[len];
                s.read(from, part, 0, len);
                assertThat(part).containsExactly(java.util.Arrays.copyOfRange(all, from, from + len));
            }
        }
        assertThatThrownBy(() -> s.read(8, new int[3], 0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void mappedTokensCopyMatchesGet() {
        TokenStream s = new TokenStream(tokens, table, new int[] {1});
        int[] out = new int[4];
        s.read(0, out, 0, 4);
        assertThat(out).containsExactly(3, 4, 5, 6);
    }
}
