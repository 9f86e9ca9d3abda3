package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextDecoderTest {
    private static final Charset CP1252 = Charset.forName("windows-1252");
    private static final TextEncoding UTF8 = new TextEncoding.Fixed(StandardCharsets.UTF_8);

    private static TextDecoder.Decoded auto(byte[] b) {
        return TextDecoder.decode(TextEncoding.AUTO, b, "corpus file /x/a.txt");
    }

    @Test
    void autoReadsUtf8AsUtf8WithoutItsByteOrderMark() {
        TextDecoder.Decoded d = auto("\uFEFFGrüße".getBytes(StandardCharsets.UTF_8));
        assertThat(d.text()).isEqualTo("Grüße");
        assertThat(d.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(d.notUtf8()).isNull();
        assertThat(auto(new byte[0]).text()).isEmpty();
    }

    @Test
    void autoReadsLatin1AndWindowsTextAsWindows1252AndSaysWhere() {
        TextDecoder.Decoded latin = auto("café crème".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(latin.text()).isEqualTo("café crème");
        assertThat(latin.charset()).isEqualTo(CP1252);
        assertThat(latin.notUtf8()).hasToString("0xE9 at byte offset 3");
        TextDecoder.Decoded quotes = auto("“quoted” – 5 €".getBytes(CP1252));
        assertThat(quotes.text()).isEqualTo("“quoted” – 5 €");
        assertThat(quotes.charset()).isEqualTo(CP1252);
    }

    @Test
    void autoFallsBackToIso88591ForBytesWindows1252LeavesUndefined() {
        byte[] b = {'a', (byte) 0x81, (byte) 0xE9};
        TextDecoder.Decoded d = auto(b);
        assertThat(d.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(d.text()).isEqualTo("a\u0081é");
    }

    @Test
    void autoRefusesUtf8WithAFewBrokenBytesRatherThanGuess() {
        byte[] b = "naïve café, déjà vu".getBytes(StandardCharsets.UTF_8);
        b[2] = (byte) 0xFF;                               // the lead byte of ï
        assertThatThrownBy(() -> auto(b)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("corpus file /x/a.txt is not valid UTF-8: invalid byte sequence at byte offset 2 (0xFF)")
                .hasMessageContaining("the rest is UTF-8 (3 non-ASCII characters, 2 invalid sequences)")
                .hasMessageContaining("or set data.encoding = windows-1252 if the file really is windows-1252");
        byte[] marked = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'o', 'k', (byte) 0xE9};
        assertThatThrownBy(() -> auto(marked)).hasMessageContaining("at byte offset 5 (0xE9)")
                .hasMessageContaining("a UTF-8 byte-order mark");
    }

    @Test
    void autoReadsUtf16WithAByteOrderMark() {
        TextDecoder.Decoded d = auto("\uFEFFGrüße".getBytes(StandardCharsets.UTF_16LE));
        assertThat(d.text()).isEqualTo("Grüße");
        assertThat(d.charset()).isEqualTo(StandardCharsets.UTF_16);
    }

    @Test
    void aFixedEncodingRefusesBytesItCannotReadAndNamesTheKeyAndAValueThatWorks() {
        byte[] latin = "café au lait".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> TextDecoder.decode(UTF8, latin, "corpus file /x/a.txt")).isInstanceOf(DataException.class)
                .hasMessage("corpus file /x/a.txt is not valid UTF-8: invalid byte sequence at byte offset 3 (0xE9);"
                        + " it reads as windows-1252: set data.encoding = windows-1252 (or auto, which reads UTF-8 files as UTF-8"
                        + " and others as windows-1252 or iso-8859-1)");
        byte[] undefined = {'a', 'b', (byte) 0x9D};
        assertThatThrownBy(() -> TextDecoder.decode(new TextEncoding.Fixed(CP1252), undefined, "f"))
                .hasMessage("f is not valid windows-1252: the bytes at byte offset 2 (0x9D) are not a character in it;"
                        + " it reads as iso-8859-1: set data.encoding = iso-8859-1 (or auto)");
        assertThat(TextDecoder.decode(new TextEncoding.Fixed(StandardCharsets.ISO_8859_1), latin, "f").text()).isEqualTo("café au lait");
    }

    @Test
    void encodingNamesAreParsedCaseInsensitivelyWithCommonAliases() {
        assertThat(TextEncoding.parse("AUTO")).isSameAs(TextEncoding.AUTO);
        assertThat(TextEncoding.parse("Latin-1").label()).isEqualTo("iso-8859-1");
        assertThat(TextEncoding.parse("latin1").label()).isEqualTo("iso-8859-1");
        assertThat(TextEncoding.parse("CP1252").label()).isEqualTo("windows-1252");
        assertThat(TextEncoding.parse("utf8").label()).isEqualTo("utf-8");
        assertThat(TextEncoding.parse("Shift_JIS").label()).isEqualTo("shift_jis");
        for (String label : new String[] {"auto", "utf-8", "windows-1252", "iso-8859-1", "utf-16"}) {
            assertThat(TextEncoding.parse(label).label()).isEqualTo(label);
        }
        assertThatThrownBy(() -> TextEncoding.parse("latin-9x")).isInstanceOf(DataException.class)
                .hasMessage("unknown text encoding 'latin-9x': use " + TextEncoding.FORMS);
        assertThatThrownBy(() -> TextEncoding.parse("")).hasMessageStartingWith("unknown text encoding ''");
    }
}
