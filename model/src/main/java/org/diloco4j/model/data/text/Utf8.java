package org.diloco4j.model.data.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 facts this package needs: a scan that counts valid and invalid sequences (to tell UTF-8 with
 * a few broken bytes from text in another encoding) and repairing decoding for Europarl.
 */
final class Utf8 {
    private Utf8() {
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
            return new Repaired(replacing(bytes, off, keep), dropped, scan(bytes, off, keep).invalid());
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

    /**
     * What {@code bytes[off, off+len)} holds as UTF-8.
     *
     * @param invalid        invalid sequences (an incomplete one at the end included)
     * @param nonAscii       characters above U+007F decoded from valid sequences
     * @param firstInvalidAt offset of the first invalid sequence from {@code off}, or -1
     * @param firstInvalidLength its length in bytes
     */
    record Scan(int invalid, long nonAscii, long firstInvalidAt, int firstInvalidLength) {
        boolean valid() {
            return invalid == 0;
        }
    }

    static Scan scan(byte[] bytes, int off, int len) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, off, len);
        CharBuffer out = CharBuffer.allocate(8192);
        int invalid = 0;
        long nonAscii = 0;
        long first = -1;
        int firstLength = 0;
        while (true) {
            CoderResult r = dec.decode(in, out, true);
            out.flip();
            while (out.hasRemaining()) if (out.get() > 0x7F) nonAscii++;
            out.clear();
            if (r.isError()) {
                if (first < 0) {
                    first = in.position() - off;
                    firstLength = r.length();
                }
                invalid++;
                in.position(in.position() + r.length());
            } else if (r.isUnderflow()) {
                return new Scan(invalid, nonAscii, first, firstLength);
            }
        }
    }

    static String hex(byte[] b, int from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + n && i < b.length; i++) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(String.format("0x%02X", b[i] & 0xFF));
        }
        return sb.toString();
    }
}
