package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns the bytes of one corpus file into text under a {@link TextEncoding}, or says which byte of
 * which file is wrong and which {@code data.encoding} reads it.
 *
 * <p>Auto-detection, in order: a UTF-16 byte-order mark means UTF-16; valid UTF-8 is UTF-8; a file
 * that starts with a UTF-8 byte-order mark, or whose valid multi-byte UTF-8 characters outnumber its
 * invalid sequences, is UTF-8 with broken bytes and is refused (read as windows-1252 it would turn
 * every accented letter into two wrong ones); anything else is windows-1252, or iso-8859-1 when it
 * holds one of the five bytes windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D). Latin-1
 * text almost never forms valid multi-byte UTF-8 by chance: that needs a capital accented letter
 * followed by a symbol such as '©' or '±'.
 */
final class TextDecoder {
    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final char BOM = '\uFEFF';

    /**
     * A file's text and the charset it was read with.
     *
     * @param notUtf8 under auto: where the file stopped being UTF-8 (null when it was read as UTF-8 or
     *                with a fixed encoding)
     */
    record Decoded(String text, Charset charset, Invalid notUtf8) {
    }

    /** The first invalid sequence of a file: its byte offset and its bytes in hex. */
    record Invalid(long offset, String bytes) {
        @Override
        public String toString() {
            return bytes + " at byte offset " + String.format(Locale.ROOT, "%,d", offset);
        }
    }

    private TextDecoder() {
    }

    /** @param where the file as messages name it, e.g. {@code corpus file /data/my.txt} */
    static Decoded decode(TextEncoding encoding, byte[] bytes, String where) {
        return switch (encoding) {
            case TextEncoding.Fixed f -> new Decoded(strict(f.charset(), bytes, where), f.charset(), null);
            case TextEncoding.Detect d -> detect(bytes, where);
        };
    }

    private static Decoded detect(byte[] bytes, String where) {
        if (startsWith(bytes, 0xFF, 0xFE) || startsWith(bytes, 0xFE, 0xFF)) {
            return new Decoded(strict(StandardCharsets.UTF_16, bytes, where), StandardCharsets.UTF_16, null);
        }
        Attempt utf8 = attempt(StandardCharsets.UTF_8, bytes);
        if (utf8.ok()) return new Decoded(utf8.text(), StandardCharsets.UTF_8, null);
        Utf8.Scan scan = Utf8.scan(bytes, 0, bytes.length);
        if (mostlyUtf8(bytes, scan)) throw new DataException(brokenUtf8(where, bytes, scan));
        Attempt windows = attempt(WINDOWS_1252, bytes);
        Attempt read = windows.ok() ? windows : attempt(StandardCharsets.ISO_8859_1, bytes);
        return new Decoded(read.text(), read.charset(), firstInvalid(bytes, scan));
    }

    /** A file marked as UTF-8, or with more valid non-ASCII characters than invalid sequences, is UTF-8 with broken bytes. */
    private static boolean mostlyUtf8(byte[] bytes, Utf8.Scan scan) {
        return startsWith(bytes, 0xEF, 0xBB, 0xBF) || scan.nonAscii() > scan.invalid();
    }

    private static Invalid firstInvalid(byte[] bytes, Utf8.Scan scan) {
        return new Invalid(scan.firstInvalidAt(), Utf8.hex(bytes, (int) scan.firstInvalidAt(), Math.min(scan.firstInvalidLength(), 4)));
    }

    private static String brokenUtf8(String where, byte[] bytes, Utf8.Scan scan) {
        Invalid first = firstInvalid(bytes, scan);
        String head = where + " is not valid UTF-8: invalid byte sequence at byte offset "
                + String.format(Locale.ROOT, "%,d", first.offset()) + " (" + first.bytes() + ")";
        String other = name(readableAs(bytes));
        if (!mostlyUtf8(bytes, scan)) {
            return head + "; it reads as " + other + ": set data.encoding = " + other
                    + " (or auto, which reads UTF-8 files as UTF-8 and others as windows-1252 or iso-8859-1)";
        }
        boolean marked = startsWith(bytes, 0xEF, 0xBB, 0xBF);
        return head + "; the rest is UTF-8 (" + (marked ? "a UTF-8 byte-order mark, " : "")
                + String.format(Locale.ROOT, "%,d non-ASCII characters, %,d invalid sequences", scan.nonAscii(), scan.invalid())
                + "), so it is not guessed at: repair those bytes (iconv -f utf-8 -t utf-8 -c drops them),"
                + " or set data.encoding = " + other + " if the file really is " + other;
    }

    /** The whole of {@code bytes} in {@code charset}, or a message naming the first bad byte and an encoding that reads it. */
    private static String strict(Charset charset, byte[] bytes, String where) {
        Attempt a = attempt(charset, bytes);
        if (a.ok()) return a.text();
        if (charset.equals(StandardCharsets.UTF_8)) throw new DataException(brokenUtf8(where, bytes, Utf8.scan(bytes, 0, bytes.length)));
        Charset other = attempt(StandardCharsets.UTF_8, bytes).ok() ? StandardCharsets.UTF_8 : readableAs(bytes);
        throw new DataException(where + " is not valid " + name(charset) + ": the bytes at byte offset "
                + String.format(Locale.ROOT, "%,d", a.errorAt()) + " (" + Utf8.hex(bytes, a.errorAt(), Math.min(a.errorLength(), 4))
                + ") are not a character in it; it reads as " + name(other) + ": set data.encoding = " + name(other) + " (or auto)");
    }

    /** windows-1252 when every byte is defined in it, else iso-8859-1 (which defines all 256). */
    private static Charset readableAs(byte[] bytes) {
        return attempt(WINDOWS_1252, bytes).ok() ? WINDOWS_1252 : StandardCharsets.ISO_8859_1;
    }

    /** Decoded text (without a leading byte-order mark), or where decoding failed. */
    private record Attempt(Charset charset, String text, int errorAt, int errorLength) {
        boolean ok() {
            return text != null;
        }
    }

    private static Attempt attempt(Charset charset, byte[] bytes) {
        CharsetDecoder dec = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // Room for the whole text, so one call decodes it all or stops at the first bad byte.
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16L, (long) Math.ceil(bytes.length * (double) dec.maxCharsPerByte()) + 16));
        CoderResult r = dec.decode(in, out, true);
        if (r.isUnderflow()) r = dec.flush(out);
        if (r.isError()) return new Attempt(charset, null, in.position(), r.length());
        out.flip();
        if (out.hasRemaining() && out.get(0) == BOM) out.position(1);
        return new Attempt(charset, out.toString(), -1, 0);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if ((bytes[i] & 0xFF) != prefix[i]) return false;
        return true;
    }

    /** A charset as {@code data.encoding} spells it. */
    static String name(Charset c) {
        return new TextEncoding.Fixed(c).label();
    }
}
