package org.diloco4j.model.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 decoding with the two policies this package needs: strict for user files, repairing for Europarl. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * Decodes {@code bytes[off, off+len)} or throws a {@link DataException} naming {@code where} and
     * the absolute byte offset ({@code baseOffset + position}) of the first invalid sequence.
     */
    static String decodeStrict(byte[] bytes, int off, int len, String where, long baseOffset) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, off, len);
        CharBuffer out = CharBuffer.allocate(len);
        CoderResult r = dec.decode(in, out, true);
        if (r.isUnderflow()) r = dec.flush(out);
        if (r.isError()) {
            long at = baseOffset + (in.position() - off);
            throw new DataException(where + " is not valid UTF-8: invalid byte sequence at byte offset " + at
                    + " (" + hex(bytes, in.position(), Math.min(r.length(), 4)) + "); convert the file to UTF-8");
        }
        return out.flip().toString();
    }

    /**
     * Text of a line that may have been cut after a fixed number of bytes: an incomplete multi-byte
     * sequence at the very end is dropped (the cut removed its continuation bytes, so there is no
     * character to recover); any other invalid sequence becomes U+FFFD.
     *
     * @return the text, how many trailing bytes were dropped, how many sequences were replaced
     */
    static Repaired decodeCut(byte[] bytes, int off, int len) {
        int dropped = incompleteTail(bytes, off, len);
        int keep = len - dropped;
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return new Repaired(dec.decode(ByteBuffer.wrap(bytes, off, keep)).toString(), dropped, 0);
        } catch (CharacterCodingException e) {
            return new Repaired(replacing(bytes, off, keep), dropped, countInvalid(bytes, off, keep));
        }
    }

    record Repaired(String text, int droppedTailBytes, int replacedSequences) {
    }

    /**
     * Length of an incomplete sequence at the end of {@code bytes[off, off+len)}: a lead byte followed
     * by fewer continuation bytes than it announces. 0 when the data ends on a character boundary.
     */
    static int incompleteTail(byte[] bytes, int off, int len) {
        int end = off + len;
        int i = end - 1;
        int cont = 0;
        while (i >= off && cont < 3 && (bytes[i] & 0xC0) == 0x80) {
            i--;
            cont++;
        }
        if (i < off) return 0;
        int need = sequenceLength(bytes[i] & 0xFF);
        return need > 1 && cont < need - 1 ? cont + 1 : 0;
    }

    private static int sequenceLength(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) return 2;
        if (lead >= 0xE0 && lead <= 0xEF) return 3;
        if (lead >= 0xF0 && lead <= 0xF4) return 4;
        return 1;
    }

    private static String replacing(byte[] bytes, int off, int len) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return dec.decode(ByteBuffer.wrap(bytes, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("REPLACE decoder reported an error", e);
        }
    }

    private static int countInvalid(byte[] bytes, int off, int len) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, off, len);
        CharBuffer out = CharBuffer.allocate(len);
        int n = 0;
        while (true) {
            CoderResult r = dec.decode(in, out, true);
            if (r.isError()) {
                n++;
                in.position(in.position() + r.length());
            } else {
                return n;
            }
        }
    }

    private static String hex(byte[] b, int from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + n && i < b.length; i++) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(String.format("0x%02X", b[i] & 0xFF));
        }
        return sb.toString();
    }
}
