package org.diloco4j.model.data.text;

import static org.assertj.core.api.Assertions.assertThat;

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
    void scanCountsValidNonAsciiCharactersAndInvalidSequences() {
        byte[] b = utf8("héllo wörld €");
        b[8] = (byte) 0xFE;                                // the lead byte of ö
        Utf8.Scan s = Utf8.scan(b, 0, b.length);
        assertThat(s.invalid()).isEqualTo(2);              // 0xFE, then the orphaned continuation byte of ö
        assertThat(s.nonAscii()).isEqualTo(2);             // é and €
        assertThat(s.firstInvalidAt()).isEqualTo(8);
        assertThat(Utf8.scan(b, 9, b.length - 9).firstInvalidAt()).isZero();
        Utf8.Scan clean = Utf8.scan(utf8("ok ü"), 0, 5);
        assertThat(clean.valid()).isTrue();
        assertThat(clean.firstInvalidAt()).isEqualTo(-1);
        byte[] big = utf8("é".repeat(10_000) + "x");
        big[big.length - 1] = (byte) 0xC3;                 // a lead byte with nothing after it
        Utf8.Scan tail = Utf8.scan(big, 0, big.length);
        assertThat(tail.nonAscii()).isEqualTo(10_000);     // more than one output buffer's worth
        assertThat(tail.invalid()).isEqualTo(1);
        assertThat(tail.firstInvalidAt()).isEqualTo(20_000);
    }
}
