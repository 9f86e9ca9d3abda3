package org.diloco4j.model.data;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * GPT-2 byte-pair encoding ({@code r50k_base}, vocab 50,257) through jtokkit, pure Java and offline.
 * Text is encoded with {@code encodeOrdinary}, so a literal {@code <|endoftext|>} in a document is
 * ordinary text (jtokkit's {@code encode} would throw on it); the corpus adds id 50256 itself.
 * Thread-safe: jtokkit encodings are immutable.
 */
public final class Gpt2Tokenizer implements Tokenizer {
    public static final String NAME = "gpt2";
    public static final int END_OF_TEXT = 50256;
    private static final int VOCAB = 50257;
    private static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int vocabSize() {
        return VOCAB;
    }

    @Override
    public int endOfText() {
        return END_OF_TEXT;
    }

    @Override
    public int[] encode(String text) {
        return ENCODING.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] tokens) {
        IntArrayList list = new IntArrayList(tokens.length);
        for (int t : tokens) {
            if (t < 0 || t >= VOCAB) throw new IllegalArgumentException("gpt2 token " + t + " outside [0, " + VOCAB + ")");
            list.add(t);
        }
        return ENCODING.decode(list);
    }
}
