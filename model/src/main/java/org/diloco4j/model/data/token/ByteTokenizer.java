package org.diloco4j.model.data.token;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes as tokens (vocab 256): free to compute, suits tiny CPU models.
 *
 * <p>Document separator: byte value 0xFF (id 255). It can never occur in valid UTF-8 (nor can 0xC0,
 * 0xC1, 0xF5–0xFE), and corpus text is validated as UTF-8, so it is unambiguous without growing the
 * vocabulary past 256 or taking a byte such as NUL or newline that text may contain.
 */
public final class ByteTokenizer implements Tokenizer {
    public static final String NAME = "bytes";
    public static final int END_OF_TEXT = 0xFF;
    static final String END_OF_TEXT_TEXT = "<|endoftext|>";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int vocabSize() {
        return 256;
    }

    @Override
    public int endOfText() {
        return END_OF_TEXT;
    }

    @Override
    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xFF;
        return out;
    }

    /** Every id is one byte, the separator included. */
    @Override
    public int byteLength(int token) {
        if (token < 0 || token > 255) throw new IllegalArgumentException("byte token " + token + " outside [0, 255]");
        return 1;
    }

    /**
     * Decodes runs of bytes between separators as UTF-8; a model's samples may hold invalid sequences,
     * which become U+FFFD rather than an error.
     */
    @Override
    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder(tokens.length);
        ByteArrayOutputStream run = new ByteArrayOutputStream(tokens.length);
        for (int t : tokens) {
            if (t < 0 || t > 255) throw new IllegalArgumentException("byte token " + t + " outside [0, 255]");
            if (t == END_OF_TEXT) {
                sb.append(run.toString(StandardCharsets.UTF_8)).append(END_OF_TEXT_TEXT);
                run.reset();
            } else {
                run.write(t);
            }
        }
        return sb.append(run.toString(StandardCharsets.UTF_8)).toString();
    }
}
