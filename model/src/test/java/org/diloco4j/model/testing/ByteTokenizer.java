package org.diloco4j.model.testing;

import java.nio.charset.StandardCharsets;
import org.diloco4j.model.data.Tokenizer;

/** UTF-8 bytes as tokens (vocab 256); a test stand-in for the data module's tokenizers. */
public final class ByteTokenizer implements Tokenizer {
    @Override
    public String name() {
        return "bytes";
    }

    @Override
    public int vocabSize() {
        return 256;
    }

    @Override
    public int endOfText() {
        return 0xFF;
    }

    @Override
    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xff;
        return ids;
    }

    @Override
    public String decode(int[] tokens) {
        byte[] b = new byte[tokens.length];
        for (int i = 0; i < tokens.length; i++) b[i] = (byte) tokens[i];
        return new String(b, StandardCharsets.UTF_8);
    }
}
