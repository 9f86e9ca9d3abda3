package org.diloco4j.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void cutLineDropsOnlyTheIncompleteTrailingSequence() {
        byte[] full = utf8("Grüße Ελλάδα €");
        for (int cut = 1; cut <= 2; cut++) {
            Utf8.Repaired r = Utf8.decodeCut(full, 0, full.length - cut);
            assertThat(r.text()).isEqualTo("Grüße Ελλάδα ");
            assertThat(r.droppedTailBytes()).isEqualTo(3 - cut);
            assertThat(r.replacedSequences()).isZero();
        }
        Utf8.Repaired whole = Utf8.decodeCut(full, 0, full.length);
        assertThat(whole.text()).isEqualTo("Grüße Ελλάδα €");
        assertThat(whole.droppedTailBytes()).isZero();
    }

    @Test
    void cutLineReplacesInvalidBytesInTheMiddle() {
        byte[] b = {'a', (byte) 0xFF, 'b', (byte) 0xC3, 'c', (byte) 0xF0, (byte) 0x9F};
        Utf8.Repaired r = Utf8.decodeCut(b, 0, b.length);
        assertThat(r.text()).isEqualTo("a\uFFFDb\uFFFDc");
        assertThat(r.replacedSequences()).isEqualTo(2);
        assertThat(r.droppedTailBytes()).isEqualTo(2);
    }

    @Test
    void incompleteTailOfFourByteSequence() {
        byte[] emoji = utf8("x🙂");
        assertThat(Utf8.incompleteTail(emoji, 0, emoji.length)).isZero();
        assertThat(Utf8.incompleteTail(emoji, 0, 4)).isEqualTo(3);
        assertThat(Utf8.incompleteTail(emoji, 0, 2)).isEqualTo(1);
        assertThat(Utf8.incompleteTail(emoji, 0, 1)).isZero();
    }

    @Test
    void strictDecodingNamesWhereAndTheAbsoluteOffset() {
        byte[] b = utf8("héllo wörld");
        b[7] = (byte) 0xFE;
        assertThatThrownBy(() -> Utf8.decodeStrict(b, 0, b.length, "corpus file /x/a.txt", 0))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("corpus file /x/a.txt is not valid UTF-8: invalid byte sequence at byte offset 7 (0xFE");
        assertThatThrownBy(() -> Utf8.decodeStrict(b, 3, b.length - 3, "f", 3))
                .hasMessageContaining("at byte offset 7 ");
        assertThat(Utf8.decodeStrict(utf8("ok ü"), 0, 5, "f", 0)).isEqualTo("ok ü");
    }
}
